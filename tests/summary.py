#!/usr/bin/env python3
"""Print the suite's closing line from meson's testlog.json.

usage: summary.py TESTLOG [SECONDS]

A skipped test (exit 77) is a failure unless tests/allowed-skips.txt lists
it with a reason; TEGRACSI_ALLOW_SKIPS=1 (for a developer's partial
machine, never CI) accepts every skip. Prints the failures, the allowed
skips with their reasons, the counts per suite (a test counts in each of
its suites), then "N passed, N failed[, N skipped]"; exits 1 when a test
failed or none ran.
"""
import json
import os
import sys

ALLOWED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'allowed-skips.txt')


def allowed_skips():
    """{test name: reason} from allowed-skips.txt."""
    allowed = {}
    with open(ALLOWED) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            name, _, reason = line.partition(' ')
            if not reason.strip():
                sys.exit(f'summary: {ALLOWED}: "{name}" has no reason')
            allowed[name] = reason.strip()
    return allowed


def main():
    allowed = allowed_skips()
    accept_all = os.environ.get('TEGRACSI_ALLOW_SKIPS') == '1'
    passed = failed = skipped = 0
    failures, skips = [], []
    per_suite = {}
    try:
        with open(sys.argv[1]) as log:
            for line in log:
                result = json.loads(line)
                name, verdict = result.get('name'), result.get('result')
                ok = verdict in ('OK', 'EXPECTEDFAIL')
                # meson names a test "project:suite1+suite2 / test"
                suites = (name or '').partition(' / ')[0].partition(':')[2]
                for suite in filter(None, suites.split('+')):
                    counts = per_suite.setdefault(suite, [0, 0])
                    counts[0 if ok else 1] += 1
                if ok:
                    passed += 1
                elif verdict == 'SKIP' and (name in allowed or accept_all):
                    skipped += 1
                    skips.append(f'{name}: {allowed.get(name, "TEGRACSI_ALLOW_SKIPS=1")}')
                elif verdict == 'SKIP':
                    failed += 1
                    failures.append(f'{name} (skipped, and not on tests/allowed-skips.txt)')
                else:
                    failed += 1
                    failures.append(f'{name} ({verdict})')
    except FileNotFoundError:
        print(f'summary: {sys.argv[1]} is missing: no test ran')
    if failures:
        print('failed: ' + ', '.join(failures))
    for s in skips:
        print('skipped (allowed): ' + s)
    for suite in sorted(per_suite):
        print(f'suite {suite}: {per_suite[suite][0]} passed, {per_suite[suite][1]} not')
    if len(sys.argv) > 2:
        print(f'took {sys.argv[2]} s')
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)
    return 1 if failed or passed + skipped == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
