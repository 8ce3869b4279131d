#!/usr/bin/env python3
# check-chart-palette.py: the chart's colours stay apart for people with the
# common colour-vision deficiencies.
#
# Copyright The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-chart-palette.py src/ui/cm-cost-chart.c
#        check-chart-palette.py --self-test
#
# Reads the backend colours and the model palette from the chart's source,
# simulates protanopia, deuteranopia and tritanopia (Machado, Oliveira and
# Fernandes 2009, severity 1.0, on linear RGB) and requires every pair of a
# set to stay at least MIN_BACKENDS / MIN_MODELS apart in CIEDE2000 under
# each, and with normal vision. The old backend colours (Anthropic #d97757,
# Bedrock #e5a50a) were 13 apart under deuteranopia: the complaint that
# made this check.

import itertools
import math
import re
import sys

MIN_BACKENDS = 20.0
MIN_MODELS = 15.0

SIMULATIONS = {
    'normal vision': [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    'protanopia': [[0.152286, 1.052583, -0.204868],
                   [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    'deuteranopia': [[0.367322, 0.860646, -0.227968],
                     [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    'tritanopia': [[1.255528, -0.076749, -0.178779],
                   [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def linear(channel):
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(rgb):
    x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def simulate(color, matrix):
    rgb = [linear(int(color[i:i + 2], 16)) for i in (1, 3, 5)]
    out = [min(1, max(0, sum(matrix[i][j] * rgb[j] for j in range(3)))) for i in range(3)]
    return lab(out)


def ciede2000(lab1, lab2):
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-((h_bar - 275) / 25) ** 2)
    rc = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc = 1 + 0.045 * cp_bar
    sh = 1 + 0.015 * cp_bar * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhp / sh) ** 2 + rt * (dc / sc) * (dhp / sh))


def closest_pairs(colors):
    """[(distance, simulation, a, b)] for each simulation's closest pair."""
    found = []
    for name, matrix in SIMULATIONS.items():
        found.append(min((ciede2000(simulate(a, matrix), simulate(b, matrix)), name, a, b)
                         for a, b in itertools.combinations(colors, 2)))
    return found


def array_colors(source, name):
    match = re.search(r'\b' + name + r'\[[^]]*\]\s*=\s*\{(.*?)\};', source, re.S)
    if match is None:
        raise SystemExit('no array %s in the chart source' % name)
    return re.findall(r'"(#[0-9a-fA-F]{6})"', match.group(1))


def check(colors, minimum, what):
    ok = True
    for distance, name, a, b in closest_pairs(colors):
        verdict = 'ok' if distance >= minimum else 'TOO CLOSE'
        print('%s under %s: closest %s and %s, %.1f (at least %.0f) %s'
              % (what, name, a, b, distance, minimum, verdict))
        ok = ok and distance >= minimum
    return ok


def self_test():
    # The colours this check was made for fail it; the identity is 0.
    assert ciede2000(lab([0.2, 0.4, 0.6]), lab([0.2, 0.4, 0.6])) == 0
    old = closest_pairs(['#d97757', '#e5a50a', '#3584e4', '#9a9996'])
    assert any(d < MIN_BACKENDS and n == 'deuteranopia' for d, n, _, _ in old), old
    # Black and white stay apart under every simulation.
    assert all(d > 90 for d, _, _, _ in closest_pairs(['#000000', '#ffffff']))
    print('self-test passed')


def main():
    if sys.argv[1:] == ['--self-test']:
        self_test()
        return 0
    with open(sys.argv[1], encoding='utf-8') as f:
        source = f.read()
    backends = array_colors(source, 'backend_colors')
    models = array_colors(source, 'palette')
    if len(backends) != 4 or len(models) < 6:
        raise SystemExit('unexpected palettes: %s %s' % (backends, models))
    ok = check(backends, MIN_BACKENDS, 'backends')
    ok = check(models, MIN_MODELS, 'models') and ok
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
