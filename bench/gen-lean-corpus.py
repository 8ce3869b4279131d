#!/usr/bin/env python3
"""gen-corpus.py with a twentieth of the text: the same shape (users, sessions,
streamed duplicates, resumed copies, sidechains, broken lines), the same
number of messages per session, far fewer bytes per line. The benchmarks of
a million messages use it so that they fit in minutes and a few GB.

  gen-lean-corpus.py GEN_CORPUS_PY [--strip] [gen-corpus.py options]

--strip also leaves out the fields no reader of costs looks at (parentUuid,
userType, version, gitBranch, stop_reason, stop_sequence): for benchmarks of
the database and the window, where the transcripts are only walked.
"""
import importlib.util
import json
import sys

UNREAD = ("parentUuid", "userType", "version", "gitBranch")
UNREAD_MESSAGE = ("stop_reason", "stop_sequence")


class StrippingJson:
    """The json module as gen-corpus.py uses it, less the unread fields."""

    @staticmethod
    def dumps(d, **kw):
        if isinstance(d, dict):
            d = {k: v for k, v in d.items() if k not in UNREAD}
            if isinstance(d.get("message"), dict):
                d["message"] = {k: v for k, v in d["message"].items() if k not in UNREAD_MESSAGE}
        return json.dumps(d, **kw)

    dump = staticmethod(json.dump)


path = sys.argv[1]
args = sys.argv[2:]
spec = importlib.util.spec_from_file_location("gen_corpus", path)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

full_text = gen.text
gen.text = lambda rng, lo, hi: full_text(rng, max(1, lo // 20), max(2, hi // 20))
if "--strip" in args:
    args.remove("--strip")
    gen.json = StrippingJson
sys.argv = [path] + args
gen.main()
