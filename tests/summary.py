#!/usr/bin/env python3
"""Print the suite's closing line from meson's testlog.json.

usage: summary.py TESTLOG [SECONDS]
Prints "N passed, N failed[, N skipped]" and exits 1 when a test failed or
none ran.
"""
import json
import sys

passed = failed = skipped = 0
failures = []
try:
    with open(sys.argv[1]) as log:
        for line in log:
            result = json.loads(line)
            verdict = result.get('result')
            if verdict in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif verdict == 'SKIP':
                skipped += 1
            else:
                failed += 1
                failures.append(f"{result.get('name')} ({verdict})")
except FileNotFoundError:
    print(f'summary: {sys.argv[1]} is missing: no test ran')
if failures:
    print('failed: ' + ', '.join(failures))
if len(sys.argv) > 2:
    print(f'took {sys.argv[2]} s')
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
sys.exit(1 if failed or passed + skipped == 0 else 0)
