/* test-parser.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fast line parser against the json-glib reference, on every fixture
 * line, on hand-made edge cases and on thousands of random mutations.
 */

#include "config.h"

#include <string.h>

#include "cm-test-util.h"
#include "cm-transcript-parser.h"

static void
assert_same (const char *line,
             gsize       len)
{
  CmRecord a, b;
  const char *why_a = "", *why_b = "";
  CmParseResult ra = cm_transcript_parse_line (line, len, &a, &why_a);
  CmParseResult rb = cm_transcript_parse_line_reference (line, len, &b, &why_b);

  if (ra != rb)
    g_error ("fast %d (%s), reference %d (%s) on: %.*s", ra, why_a, rb, why_b, (int) len, line);

  g_assert_cmpstr (a.message_id, ==, b.message_id);
  g_assert_cmpstr (a.request_id, ==, b.request_id);
  g_assert_cmpstr (a.uuid, ==, b.uuid);
  g_assert_cmpstr (a.session_id, ==, b.session_id);
  g_assert_cmpstr (a.cwd, ==, b.cwd);
  g_assert_cmpstr (a.model_raw, ==, b.model_raw);
  g_assert_cmpstr (a.speed, ==, b.speed);
  g_assert_cmpstr (a.inference_geo, ==, b.inference_geo);
  g_assert_cmpint (a.timestamp_ms, ==, b.timestamp_ms);
  g_assert_cmpint (a.is_sidechain, ==, b.is_sidechain);
  g_assert_cmpint (a.has_cache_breakdown, ==, b.has_cache_breakdown);
  g_assert_cmpmem (&a.usage, sizeof a.usage, &b.usage, sizeof b.usage);

  cm_record_clear (&a);
  cm_record_clear (&b);
}

static GPtrArray *
fixture_lines (void)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (dirs, g_strdup (corpus));
  while (dirs->len > 0)
    {
      g_autofree char *dir_path = g_ptr_array_steal_index (dirs, dirs->len - 1);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *contents = NULL;
          gsize len;

          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            g_ptr_array_add (dirs, g_steal_pointer (&path));
          else if (g_str_has_suffix (name, ".jsonl") && g_file_get_contents (path, &contents, &len, NULL))
            {
              char *p = contents, *nl;

              /* Complete lines only: a partial last line is not read. */
              while ((nl = memchr (p, '\n', contents + len - p)) != NULL)
                {
                  g_ptr_array_add (lines, g_strndup (p, nl - p));
                  p = nl + 1;
                }
            }
        }
    }

  return lines;
}

static void
test_fixture_lines (void)
{
  g_autoptr(GPtrArray) lines = fixture_lines ();
  guint counts[4] = { 0 };

  g_assert_cmpuint (lines->len, >, 1000);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      CmRecord r;

      assert_same (line, strlen (line));
      counts[cm_transcript_parse_line (line, strlen (line), &r, NULL)]++;
      cm_record_clear (&r);
    }

  g_assert_cmpuint (counts[CM_PARSE_BROKEN], ==, 8);
  g_assert_cmpuint (counts[CM_PARSE_SYNTHETIC], ==, 9);
  g_assert_cmpuint (counts[CM_PARSE_RECORD], ==, 1133);
}

static void
test_mutations (void)
{
  g_autoptr(GPtrArray) lines = fixture_lines ();
  GRand *rand = g_rand_new_with_seed (20261122);
  static const char alphabet[] = "{}[]\",:\\u0123456789eE.-+ntfalsr \t\x80\xc3\xa9\xff";

  for (guint n = 0; n < 6000; n++)
    {
      const char *src = g_ptr_array_index (lines, g_rand_int_range (rand, 0, lines->len));
      g_autoptr(GString) s = g_string_new (src);
      int edits = g_rand_int_range (rand, 1, 4);

      for (int e = 0; e < edits && s->len > 0; e++)
        {
          gsize at = g_rand_int_range (rand, 0, s->len);
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: g_string_erase (s, at, 1); break;
            case 1: g_string_insert_c (s, at, c); break;
            case 2: s->str[at] = c; break;
            default: g_string_truncate (s, at); break;
            }
        }

      assert_same (s->str, s->len);
    }

  g_rand_free (rand);
}

typedef struct
{
  const char    *line;
  CmParseResult  result;
} Case;

static void
test_edge_cases (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"type\":\"user\",\"x\":");
  g_autoptr(GString) deeper = NULL;
  g_autoptr(GString) huge = NULL;
  const Case cases[] = {
    { "", CM_PARSE_SKIP },
    { "   \r", CM_PARSE_SKIP },
    { "{\"type\":\"summary\",\"summary\":\"t\"}", CM_PARSE_SKIP },
    { "[1,2]", CM_PARSE_BROKEN },
    { "{\"a\":1} x", CM_PARSE_BROKEN },
    { "{\"a\":01}", CM_PARSE_BROKEN },
    { "{\"a\":\"\xff\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"<synthetic>\",\"usage\":{}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_SYNTHETIC },
    { "{\"message\":{\"model\":\"m\",\"usage\":{\"output_tokens\":-3}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{\"output_tokens\":12.0}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{\"output_tokens\":99999999999999999}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{\"output_tokens\":\"7\"}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{\"output_tokens\":null}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_RECORD },
    { "{\"message\":{\"model\":\"m\",\"usage\":{}},\"timestamp\":\"1969-12-31T23:59:59Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{}},\"timestamp\":\"2026-02-30T00:00:00Z\"}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":{}}}", CM_PARSE_BROKEN },
    { "{\"message\":{\"model\":\"m\",\"usage\":[]},\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_SKIP },
    { "{\"message\":\"text\",\"timestamp\":\"2026-01-01T00:00:00Z\"}", CM_PARSE_SKIP },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CmRecord r;

      assert_same (cases[i].line, strlen (cases[i].line));
      g_assert_cmpint (cm_transcript_parse_line (cases[i].line, strlen (cases[i].line), &r, NULL), ==, cases[i].result);
      cm_record_clear (&r);
    }

  /* 256 levels are fine, 257 are not. */
  for (int i = 0; i < 255; i++)
    g_string_append_c (deep, '[');
  deeper = g_string_new (deep->str);
  g_string_append_c (deeper, '[');
  for (int i = 0; i < 255; i++)
    g_string_append_c (deep, ']');
  for (int i = 0; i < 256; i++)
    g_string_append_c (deeper, ']');
  g_string_append_c (deep, '}');
  g_string_append_c (deeper, '}');
  assert_same (deep->str, deep->len);
  assert_same (deeper->str, deeper->len);
  {
    CmRecord r;
    g_assert_cmpint (cm_transcript_parse_line (deep->str, deep->len, &r, NULL), ==, CM_PARSE_SKIP);
    g_assert_cmpint (cm_transcript_parse_line (deeper->str, deeper->len, &r, NULL), ==, CM_PARSE_BROKEN);
  }

  /* A 20 MB content block is skipped, the usage still read. */
  huge = g_string_new ("{\"type\":\"assistant\",\"timestamp\":\"2026-03-02T09:14:02.118Z\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"");
  for (int i = 0; i < 20 * 1024 * 1024 / 16; i++)
    g_string_append (huge, "abcdefgh\\\"ijklmn");
  g_string_append (huge, "\"}],\"id\":\"msg_01X\",\"model\":\"claude-opus-4-6\",\"usage\":{\"output_tokens\":5}}}");
  {
    CmRecord r;

    g_assert_cmpint (cm_transcript_parse_line (huge->str, huge->len, &r, NULL), ==, CM_PARSE_RECORD);
    g_assert_cmpint (r.usage.output, ==, 5);
    cm_record_clear (&r);
  }
}

static void
test_fields (void)
{
  /* Escapes and a surrogate pair in cwd, CRLF, duplicate keys (last wins),
   * no cache breakdown, null requestId. */
  const char *line =
    "{\"cwd\":\"/old\",\"isSidechain\":true,\"cwd\":\"/home/z\\u00e9/\\ud83d\\ude00 \\\"q\\\"\","
    "\"requestId\":null,\"uuid\":\"u1\",\"sessionId\":\"s1\",\"timestamp\":\"2026-02-18T12:30:24.575+01:00\","
    "\"message\":{\"id\":\"msg_bdrk_01\",\"model\":\"us.anthropic.claude-sonnet-4-5-20250929-v1:0\","
    "\"usage\":{\"input_tokens\":3,\"output_tokens\":97,\"cache_creation_input_tokens\":1033,"
    "\"cache_read_input_tokens\":28193,\"server_tool_use\":{\"web_search_requests\":2}}}}\r";
  const char *progress =
    "{\"type\":\"progress\",\"sessionId\":\"parent\",\"cwd\":\"/p\",\"timestamp\":\"2026-02-18T11:30:24Z\","
    "\"data\":{\"type\":\"agent_progress\",\"message\":{\"type\":\"assistant\",\"requestId\":\"req_9\","
    "\"timestamp\":\"2026-02-18T11:30:25.5Z\",\"message\":{\"id\":\"msg_01E\",\"model\":\"claude-haiku-4-5\","
    "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,"
    "\"ephemeral_1h_input_tokens\":4}}}}}}";
  CmRecord r;

  assert_same (line, strlen (line));
  g_assert_cmpint (cm_transcript_parse_line (line, strlen (line), &r, NULL), ==, CM_PARSE_RECORD);
  g_assert_cmpstr (r.cwd, ==, "/home/z\xc3\xa9/\xf0\x9f\x98\x80 \"q\"");
  g_assert_null (r.request_id);
  g_assert_true (r.is_sidechain);
  g_assert_false (r.has_cache_breakdown);
  g_assert_cmpint (r.usage.cache_write_5m, ==, 1033);
  g_assert_cmpint (r.usage.cache_write_1h, ==, 0);
  g_assert_cmpint (r.usage.web_search, ==, 2);
  g_assert_cmpint (r.timestamp_ms, ==, G_GINT64_CONSTANT (1771414224575));
  cm_record_clear (&r);

  assert_same (progress, strlen (progress));
  g_assert_cmpint (cm_transcript_parse_line (progress, strlen (progress), &r, NULL), ==, CM_PARSE_RECORD);
  g_assert_cmpstr (r.message_id, ==, "msg_01E");
  g_assert_cmpstr (r.request_id, ==, "req_9");
  g_assert_cmpstr (r.session_id, ==, "parent");
  g_assert_cmpint (r.timestamp_ms, ==, G_GINT64_CONSTANT (1771414225500));
  g_assert_cmpint (r.usage.cache_write_5m, ==, 3);
  g_assert_cmpint (r.usage.cache_write_1h, ==, 4);
  cm_record_clear (&r);
}

/* Every field name we read written with escapes, at every level: json-glib
 * decodes keys, so the fast path must too. */
static void
test_escaped_keys (void)
{
  const char *line =
    "{\"\\u0074ype\":\"assistant\",\"requestI\\u0064\":\"req_1\",\"\\u0075uid\":\"u1\","
    "\"session\\u0049d\":\"s1\",\"cw\\u0064\":\"/p\",\"timest\\u0061mp\":\"2026-01-01T00:00:00Z\","
    "\"isSidech\\u0061in\":true,\"mess\\u0061ge\":{\"\\u0069d\":\"msg_1\",\"mod\\u0065l\":\"m\","
    "\"us\\u0061ge\":{\"input_tok\\u0065ns\":1,\"output\\u005ftokens\":2,"
    "\"cache_creation_input_tokens\\u0020\":99,"
    "\"\\u0063\\u0061\\u0063\\u0068\\u0065\\u005f\\u0072\\u0065\\u0061\\u0064\\u005f\\u0069\\u006e"
    "\\u0070\\u0075\\u0074\\u005f\\u0074\\u006f\\u006b\\u0065\\u006e\\u0073\":4,"
    "\"cache\\u005fcreation\":{\"ephemeral_5m_input_tok\\u0065ns\":5,\"ephemeral_1h_input_tok\\u0065ns\":6},"
    "\"server_tool\\u005fuse\":{\"web_search_request\\u0073\":7}}}}";
  const char *progress =
    "{\"type\":\"progress\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"d\\u0061ta\":{\"mess\\u0061ge\":"
    "{\"mess\\u0061ge\":{\"\\u0069d\":\"msg_2\",\"model\":\"m\",\"usage\":{\"output_tokens\":8}}}}}";
  /* Decoded, these are not names we read (nor is a key too long to hold). */
  const char *others =
    "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"message\":{\"model\":\"m\",\"i\\\"d\":\"x\","
    "\"\\u0069d_and_then_a_much_longer_name_than_any_field\":\"y\",\"usage\":{\"output_tokens\":1}}}";
  CmRecord r;

  assert_same (line, strlen (line));
  g_assert_cmpint (cm_transcript_parse_line (line, strlen (line), &r, NULL), ==, CM_PARSE_RECORD);
  g_assert_cmpstr (r.message_id, ==, "msg_1");
  g_assert_cmpstr (r.model_raw, ==, "m");
  g_assert_cmpstr (r.request_id, ==, "req_1");
  g_assert_cmpstr (r.uuid, ==, "u1");
  g_assert_cmpstr (r.session_id, ==, "s1");
  g_assert_cmpstr (r.cwd, ==, "/p");
  g_assert_true (r.is_sidechain);
  g_assert_true (r.has_cache_breakdown);
  g_assert_cmpint (r.usage.input, ==, 1);
  g_assert_cmpint (r.usage.output, ==, 2);
  g_assert_cmpint (r.usage.cache_read, ==, 4);
  g_assert_cmpint (r.usage.cache_write_5m, ==, 5);
  g_assert_cmpint (r.usage.cache_write_1h, ==, 6);
  g_assert_cmpint (r.usage.web_search, ==, 7);
  cm_record_clear (&r);

  assert_same (progress, strlen (progress));
  g_assert_cmpint (cm_transcript_parse_line (progress, strlen (progress), &r, NULL), ==, CM_PARSE_RECORD);
  g_assert_cmpstr (r.message_id, ==, "msg_2");
  g_assert_cmpint (r.usage.output, ==, 8);
  cm_record_clear (&r);

  assert_same (others, strlen (others));
  g_assert_cmpint (cm_transcript_parse_line (others, strlen (others), &r, NULL), ==, CM_PARSE_RECORD);
  g_assert_null (r.message_id);
  cm_record_clear (&r);
}

typedef struct
{
  const char    *line;
  CmParseResult  result;
  gint64         input;     /* when a record */
  gint64         cache_5m;
  gint64         web;
} DupCase;

#define TS "\"timestamp\":\"2026-01-01T00:00:00Z\""
#define MSG(usage) "\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{" usage "}}"
#define LINE(usage) "{" TS "," MSG (usage) "}"

/* The last of duplicate keys wins, as in json-glib, whatever the earlier
 * ones held (an invalid count included), at every level. */
static void
test_duplicate_keys (void)
{
  const DupCase cases[] = {
    { LINE ("\"input_tokens\":\"x\",\"input_tokens\":5"), CM_PARSE_RECORD, 5 },
    { LINE ("\"input_tokens\":5,\"input_tokens\":\"x\""), CM_PARSE_BROKEN },
    { LINE ("\"input_tokens\":1.5,\"input_tokens\":null"), CM_PARSE_RECORD, 0 },
    { LINE ("\"input_tokens\":-1,\"input\\u005ftokens\":3"), CM_PARSE_RECORD, 3 },
    { LINE ("\"output_tokens\":{},\"output_tokens\":1"), CM_PARSE_RECORD },
    { LINE ("\"cache_read_input_tokens\":[],\"cache_read_input_tokens\":2"), CM_PARSE_RECORD },
    { LINE ("\"cache_creation_input_tokens\":true,\"cache_creation_input_tokens\":9"), CM_PARSE_RECORD, 0, 9 },
    { LINE ("\"cache_creation_input_tokens\":9,\"cache_creation_input_tokens\":1e3"), CM_PARSE_BROKEN },
    { LINE ("\"cache_creation\":{\"ephemeral_5m_input_tokens\":\"x\"},\"cache_creation\":{\"ephemeral_1h_input_tokens\":4}"),
      CM_PARSE_RECORD },
    { LINE ("\"cache_creation\":{\"ephemeral_1h_input_tokens\":-4},\"cache_creation\":null,\"cache_creation_input_tokens\":6"),
      CM_PARSE_RECORD, 0, 6 },
    { LINE ("\"cache_creation\":{\"ephemeral_5m_input_tokens\":\"x\",\"ephemeral_5m_input_tokens\":3}"), CM_PARSE_RECORD, 0, 3 },
    { LINE ("\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,\"ephemeral_5m_input_tokens\":0.5}"), CM_PARSE_BROKEN },
    { LINE ("\"cache_creation\":{\"ephemeral_5m_input_tokens\":3},\"cache_creation\":{}"), CM_PARSE_RECORD, 0, 0 },
    { LINE ("\"server_tool_use\":{\"web_search_requests\":true},\"server_tool_use\":{}"), CM_PARSE_RECORD },
    { LINE ("\"server_tool_use\":{\"web_search_requests\":\"2\"},\"server_tool_use\":7"), CM_PARSE_RECORD },
    { LINE ("\"server_tool_use\":{\"web_search_requests\":\"2\",\"web_search_requests\":2}"), CM_PARSE_RECORD, 0, 0, 2 },
    { LINE ("\"server_tool_use\":{\"web_search_requests\":2,\"web_search_requests\":\"2\"}"), CM_PARSE_BROKEN },
    { "{" TS "," MSG ("\"input_tokens\":\"x\"") ",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":1}}}",
      CM_PARSE_RECORD, 1 },
    { "{" TS ",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":\"x\"},\"usage\":{\"input_tokens\":2}}}",
      CM_PARSE_RECORD, 2 },
    { "{" TS ",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":1},\"usage\":[]}}", CM_PARSE_SKIP },
    { "{" TS "," MSG ("") ",\"message\":\"gone\"}", CM_PARSE_SKIP },
    { "{" TS ",\"message\":{\"id\":\"a\",\"id\":7,\"model\":\"<synthetic>\",\"model\":\"m\",\"usage\":{}}}", CM_PARSE_RECORD },
    { "{" TS ",\"message\":{\"model\":\"m\",\"model\":\"<synthetic>\",\"usage\":{}}}", CM_PARSE_SYNTHETIC },
    { "{\"timestamp\":\"soon\"," TS "," MSG ("") "}", CM_PARSE_RECORD },
    { "{" TS ",\"timestamp\":7," MSG ("") "}", CM_PARSE_BROKEN },
    { "{" TS ",\"isSidechain\":true,\"isSidechain\":\"yes\",\"requestId\":\"r\",\"requestId\":null,"
      "\"uuid\":1,\"uuid\":\"u\",\"cwd\":\"/a\",\"cwd\":\"/b\",\"sessionId\":\"s\",\"sessionId\":{}," MSG ("") "}",
      CM_PARSE_RECORD },
    { "{\"type\":\"progress\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":4}}}}}",
      CM_PARSE_RECORD, 4 },
    { "{\"type\":\"progress\",\"type\":\"x\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{}}}}}",
      CM_PARSE_SKIP },
    { "{\"type\":\"progress\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{}}}},\"data\":{}}",
      CM_PARSE_SKIP },
    { "{\"type\":\"progress\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{}}},\"message\":null}}",
      CM_PARSE_SKIP },
    { "{\"type\":\"progress\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{}},\"message\":1}}}",
      CM_PARSE_SKIP },
    { "{\"type\":\"progress\"," TS ",\"data\":{\"message\":{\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":\"x\"}}},"
      "\"message\":{\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":5}}}}}",
      CM_PARSE_RECORD, 5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *line = cases[i].line;
      CmRecord r;

      g_test_message ("%s", line);
      assert_same (line, strlen (line));
      g_assert_cmpint (cm_transcript_parse_line (line, strlen (line), &r, NULL), ==, cases[i].result);
      if (cases[i].result == CM_PARSE_RECORD)
        {
          g_assert_cmpint (r.usage.input, ==, cases[i].input);
          g_assert_cmpint (r.usage.cache_write_5m, ==, cases[i].cache_5m);
          g_assert_cmpint (r.usage.web_search, ==, cases[i].web);
        }
      cm_record_clear (&r);
    }
}

typedef struct
{
  const char    *line;
  CmParseResult  result;
  const char    *id;     /* message.id when a record */
} Variation;

#define VLINE(extra) "{" TS "," extra "," MSG ("\"output_tokens\":2") "}"
#define VID(id) "{" TS ",\"message\":{\"id\":\"" id "\",\"model\":\"m\",\"usage\":{}}}"
#define FFFD "\xef\xbf\xbd"

/* Where json-glib is more lenient than JSON (or decodes differently) the
 * reference follows JSON and the fast path: both give the result here. */
static void
test_variations (void)
{
  const Variation cases[] = {
    /* Raw control characters in strings. A tab is tolerated by both. */
    { VLINE ("\"x\":\"a\nb\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"a\rb\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"a\x01" "b\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"a\x1f" "b\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"a\tb\""), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":\"a\x7f" "b\""), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":\r\n\t 1"), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":\f1"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\v1"), CM_PARSE_BROKEN },
    /* Text after the root object. */
    { VLINE ("\"x\":1") " {\"y\":2}", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") "{}", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") "[]", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") " 1", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") " \"s\"", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") ",", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") " \t\r", CM_PARSE_RECORD, "msg_1" },
    /* Comments. */
    { VLINE ("\"x\":1 /* c */"), CM_PARSE_BROKEN },
    { "/* c */" VLINE ("\"x\":1"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1") " // c", CM_PARSE_BROKEN },
    { VLINE ("\"x\":1 # c"), CM_PARSE_BROKEN },
    /* Single quotes, bare words. */
    { VLINE ("'x':1"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":'y'"), CM_PARSE_BROKEN },
    { VLINE ("x:1"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"it's\""), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":True"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":nul"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":truex"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":NaN"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":Infinity"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":-Infinity"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":[true,false,null]"), CM_PARSE_RECORD, "msg_1" },
    /* Loose numbers. */
    { VLINE ("\"x\":01"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":-01"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":00"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":[1,02]"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":+1"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":.5"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":-.5"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1."), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1.e5"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":0x10"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":0X1f"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1e"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1.5e+"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":-"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1.2.3"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":1-2"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":-0"), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":[0,0.0,-0.5,1e5,1E+2,2e-3,10]"), CM_PARSE_RECORD, "msg_1" },
    { VLINE ("\"x\":\"01\""), CM_PARSE_RECORD, "msg_1" },
    { LINE ("\"output_tokens\":01"), CM_PARSE_BROKEN },
    { LINE ("\"output_tokens\":0x10"), CM_PARSE_BROKEN },
    { LINE ("\"output_tokens\":-0"), CM_PARSE_RECORD, "msg_1" },
    { LINE ("\"output_tokens\":9007199254740992"), CM_PARSE_RECORD, "msg_1" },
    { LINE ("\"output_tokens\":9007199254740993"), CM_PARSE_BROKEN },
    /* Integers past 64 bits: json-glib wraps them around. */
    { LINE ("\"output_tokens\":18446744073709551617"), CM_PARSE_BROKEN },
    { LINE ("\"output_tokens\":-18446744073709551615"), CM_PARSE_BROKEN },
    { LINE ("\"output_tokens\":-18446744073709551616"), CM_PARSE_BROKEN },
    { LINE ("\"output_tokens\":36893488147419103232"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":123456789012345678901234567890"), CM_PARSE_RECORD, "msg_1" },
    /* A byte order mark. */
    { "\xef\xbb\xbf" VLINE ("\"x\":1"), CM_PARSE_BROKEN },
    /* Escapes JSON does not have. */
    { VLINE ("\"x\":\"\\x41\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"\\'\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"\\U0041\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"\\u00\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"\\u00g1\""), CM_PARSE_BROKEN },
    { VLINE ("\"x\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\""), CM_PARSE_RECORD, "msg_1" },
    /* \u0000 and lone surrogates are U+FFFD, in values and in keys. */
    { VID ("a\\u0000b"), CM_PARSE_RECORD, "a" FFFD "b" },
    { VID ("a\\ud800"), CM_PARSE_RECORD, "a" FFFD },
    { VID ("\\udc00x"), CM_PARSE_RECORD, FFFD "x" },
    { VID ("\\ud800\\u0041"), CM_PARSE_RECORD, FFFD "A" },
    { VID ("\\ud800\\ud800\\udc00"), CM_PARSE_RECORD, FFFD "\xf0\x90\x80\x80" },
    { VID ("\\udbff\\udfff\\udfff"), CM_PARSE_RECORD, "\xf4\x8f\xbf\xbf" FFFD },
    { VID ("\\ud83d\\ude00"), CM_PARSE_RECORD, "\xf0\x9f\x98\x80" },
    { VID ("\\\\ud800"), CM_PARSE_RECORD, "\\ud800" },
    { VID ("\\\\\\ud800"), CM_PARSE_RECORD, "\\" FFFD },
    { VLINE ("\"\\ud800\":1"), CM_PARSE_RECORD, "msg_1" },
    { "{" TS ",\"message\":{\"id\":\"msg_1\",\"id\\u0000x\":\"y\",\"model\":\"m\",\"usage\":{}}}", CM_PARSE_RECORD, "msg_1" },
    { "{" TS ",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{\"output_tokens\\u0000\":\"y\"}}}",
      CM_PARSE_RECORD, "msg_1" },
    /* Structure. */
    { VLINE ("\"x\":[1,]"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":{\"y\":1,}"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":[1 2]"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":{\"y\" 1}"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":{1:2}"), CM_PARSE_BROKEN },
    { VLINE ("\"x\":[}"), CM_PARSE_BROKEN },
    { "{" TS, CM_PARSE_BROKEN },
    { "\"s\"", CM_PARSE_BROKEN },
    { "1", CM_PARSE_BROKEN },
    { "}", CM_PARSE_BROKEN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *line = cases[i].line;
      CmRecord r;

      g_test_message ("%u: %s", i, line);
      assert_same (line, strlen (line));
      g_assert_cmpint (cm_transcript_parse_line (line, strlen (line), &r, NULL), ==, cases[i].result);
      if (cases[i].result == CM_PARSE_RECORD)
        g_assert_cmpstr (r.message_id, ==, cases[i].id);
      cm_record_clear (&r);
    }
}

/* usage.speed and usage.inference_geo, as both parsers read them. */
static void
test_billing_modes (void)
{
  static const struct { const char *usage; const char *speed; const char *geo; } cases[] = {
    { "\"speed\":\"fast\",\"inference_geo\":\"us\"", "fast", "us" },
    { "\"speed\":\"standard\",\"inference_geo\":\"not_available\"", "standard", "not_available" },
    { "\"service_tier\":\"standard\"", NULL, NULL },
    /* Lower-cased; a value past 32 bytes is no value anyone has. */
    { "\"speed\":\"FAST\",\"inference_geo\":\"US\"", "fast", "us" },
    { "\"speed\":\"fast-and-then-a-name-far-too-long-to-be-a-speed\"", "(invalid)", NULL },
    /* Not a string: absent. A later duplicate wins, as in json-glib. */
    { "\"speed\":2,\"inference_geo\":null", NULL, NULL },
    { "\"speed\":\"standard\",\"speed\":\"fast\"", "fast", NULL },
    { "\"sp\\u0065ed\":\"fast\"", "fast", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line =
        g_strdup_printf ("{\"type\":\"assistant\",\"timestamp\":\"2026-08-01T00:00:00Z\","
                         "\"message\":{\"id\":\"msg_%u\",\"model\":\"claude-opus-5\","
                         "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,%s}}}", i, cases[i].usage);
      CmRecord r;

      assert_same (line, strlen (line));
      g_assert_cmpint (cm_transcript_parse_line (line, strlen (line), &r, NULL), ==, CM_PARSE_RECORD);
      g_assert_cmpstr (r.speed, ==, cases[i].speed);
      g_assert_cmpstr (r.inference_geo, ==, cases[i].geo);
      g_assert_cmpstr (cm_record_speed_key (r.speed), ==, cases[i].speed == NULL || g_str_equal (cases[i].speed, "standard")
                                                          ? "" : cases[i].speed);
      cm_record_clear (&r);
    }
}

static void
test_timestamps (void)
{
  struct { const char *s; gint64 ms; } ok[] = {
    { "1970-01-01T00:00:00Z", 0 },
    { "2026-02-18T11:30:24.575Z", G_GINT64_CONSTANT (1771414224575) },
    { "2026-02-18T11:30:24Z", G_GINT64_CONSTANT (1771414224000) },
    { "2026-02-18T12:30:24.5+01:00", G_GINT64_CONSTANT (1771414224500) },
    { "2026-02-18T06:30:24.123456-05:00", G_GINT64_CONSTANT (1771414224123) },
    { "2024-02-29T00:00:00Z", G_GINT64_CONSTANT (1709164800000) },
    { "2000-03-01T00:00:00Z", G_GINT64_CONSTANT (951868800000) },
  };
  const char *bad[] = { "2026-02-18", "2023-02-29T00:00:00Z", "2026-02-18T11:30:24", "2026-13-01T00:00:00Z",
                        "2026-02-18T24:00:00Z", "2026-02-18T11:30:24.Z", "x026-02-18T11:30:24Z",
                        "2026-02-18T11:30:24Zjunk" };
  gint64 ms;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_assert_true (cm_parse_timestamp_ms (ok[i].s, strlen (ok[i].s), &ms));
      g_assert_cmpint (ms, ==, ok[i].ms);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (cm_parse_timestamp_ms (bad[i], strlen (bad[i]), &ms));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/parser/fixture-lines", test_fixture_lines);
  g_test_add_func ("/core/parser/mutations", test_mutations);
  g_test_add_func ("/core/parser/edge-cases", test_edge_cases);
  g_test_add_func ("/core/parser/fields", test_fields);
  g_test_add_func ("/core/parser/escaped-keys", test_escaped_keys);
  g_test_add_func ("/core/parser/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/core/parser/variations", test_variations);
  g_test_add_func ("/core/parser/timestamps", test_timestamps);
  g_test_add_func ("/core/parser/billing-modes", test_billing_modes);

  return g_test_run ();
}
