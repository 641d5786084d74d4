#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tests/bench: what a frame costs, side by side, in one run (in the guest).

Runs every contender on the same device, interleaved (A, B, C, A, B, C...)
so that machine noise hits all alike, and writes bench.json and bench.md
into OUT. Contenders: the raw DQBUF/QBUF loop (raw-loop.c, the floor),
v4l2src io-mode=dmabuf and mmap, tegracsisrc io-mode=dmabuf, mmap and
userptr; each into fakesink and into a consumer that maps and reads every
frame (--read). Per frame: user and system CPU time of the process over
FRAMES frames after WARMUP, frames dropped, RSS, latency from the driver's
timestamp to the sink (median, p99; the raw loop and tegracsisrc only),
bytes the element copied.

It fails (exit 1) only when a contender fails to run or tegracsisrc copies a
byte; never on a timing. See docs/performance.md.
"""
import argparse
import fcntl
import glob
import json
import os
import statistics
import subprocess
import sys
import time

VIDIOC_QUERYCAP = 0x80685600


def find_node(driver):
    for path in sorted(glob.glob('/dev/video*'), key=lambda p: int(p[10:] or 0)):
        try:
            with open(path, 'rb', buffering=0) as f:
                buf = bytearray(104)
                fcntl.ioctl(f, VIDIOC_QUERYCAP, buf)
                if buf[:16].split(b'\0')[0].decode() == driver:
                    return path
        except OSError:
            continue
    return None


SCENARIOS = {
    '720p-yuyv': (1280, 720, 'YUYV', 'YUY2'),
    '1080p-uyvy': (1920, 1080, 'UYVY', 'UYVY'),
}


def contenders(build, node, w, h, fourcc, gstfmt):
    caps = f'video/x-raw,format={gstfmt},width={w},height={h},framerate=30/1'
    raw = [f'{build}/tests/bench/raw-loop', node, str(w), str(h), fourcc]
    gst = f'{build}/tests/bench/gst-bench'
    out = {'raw': ('raw', raw)}
    for mode in ('dmabuf', 'mmap'):
        out[f'v4l2src-{mode}'] = ('gst', [gst], f'v4l2src name=src device={node} io-mode={mode} '
                                  f'! {caps} ! fakesink name=sink sync=false')
    for mode in ('dmabuf', 'mmap', 'userptr'):
        out[f'tegracsisrc-{mode}'] = ('gst', [gst], f'tegracsisrc name=src device={node} '
                                      f'io-mode={mode} ! {caps} ! fakesink name=sink sync=false')
    return out


def run_one(spec, warmup, frames, read):
    if spec[0] == 'raw':
        cmd = spec[1] + [str(warmup), str(frames)] + (['--read'] if read else [])
    else:
        cmd = spec[1] + [str(warmup), str(frames)] + (['--read'] if read else []) + [spec[2]]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)}: exit {p.returncode}: {p.stderr.strip()[-400:]}')
    r = json.loads(p.stdout.strip().splitlines()[-1])
    r['wall_s'] = round(time.monotonic() - t0, 1)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.environ.get('TEGRACSI_BUILD_DIR', 'build'))
    ap.add_argument('--out', default=None)
    ap.add_argument('--scenario', action='append', choices=sorted(SCENARIOS))
    ap.add_argument('--warmup', type=int, default=30)
    ap.add_argument('--frames', type=int, default=600)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--only', action='append', help='contender names to run')
    args = ap.parse_args()
    out = args.out or os.path.join(args.build, 'bench')
    os.makedirs(out, exist_ok=True)
    node = find_node('tegra-csi-sg')
    if node is None:
        print('bench: no tegra-csi-sg node', file=sys.stderr)
        return 1

    results, failures = [], 0
    for scen in args.scenario or ['720p-yuyv']:
        w, h, fourcc, gstfmt = SCENARIOS[scen]
        cands = contenders(args.build, node, w, h, fourcc, gstfmt)
        names = [n for n in cands if not args.only or n in args.only]
        for rnd in range(args.rounds):
            for read in (False, True):
                for name in names:
                    try:
                        r = run_one(cands[name], args.warmup, args.frames, read)
                    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                        print(f'bench: FAIL {scen} {name}{" read" if read else ""}: {e}')
                        failures += 1
                        continue
                    r.update(scenario=scen, contender=name, consumer='read' if read else 'fakesink',
                             round=rnd)
                    print(f'bench: {scen} {name:20} {r["consumer"]:8} round {rnd}: '
                          f'{(r["user_us"] + r["sys_us"]) / r["frames"]:.0f} us/frame, '
                          f'dropped {r["dropped"]}, copied {r.get("bytes_copied", -1)}', flush=True)
                    if name.startswith('tegracsisrc') and r.get('bytes_copied', 0) != 0:
                        print(f'bench: FAIL {scen} {name}: {r["bytes_copied"]} bytes copied')
                        failures += 1
                    results.append(r)

    table = summarize(results)
    with open(os.path.join(out, 'bench.json'), 'w') as f:
        json.dump({'runs': results, 'summary': table}, f, indent=1)
    with open(os.path.join(out, 'bench.md'), 'w') as f:
        f.write(markdown(table))
    print(markdown(table))
    print(f'bench: {len(results)} runs, {failures} failures; {out}/bench.md, bench.json')
    return 1 if failures else 0


def summarize(results):
    """Median over rounds of CPU per frame; ratios to the raw loop and to v4l2src dmabuf."""
    groups = {}
    for r in results:
        groups.setdefault((r['scenario'], r['consumer'], r['contender']), []).append(r)
    rows = []
    for (scen, cons, name), rs in sorted(groups.items()):
        cpu = statistics.median((r['user_us'] + r['sys_us']) / r['frames'] for r in rs)
        rows.append({
            'scenario': scen, 'consumer': cons, 'contender': name, 'rounds': len(rs),
            'cpu_us_per_frame': round(cpu, 1),
            'user_us_per_frame': round(statistics.median(r['user_us'] / r['frames'] for r in rs), 1),
            'sys_us_per_frame': round(statistics.median(r['sys_us'] / r['frames'] for r in rs), 1),
            'dropped': max(r['dropped'] for r in rs),
            'rss_kb': max(r['rss_kb'] for r in rs),
            'latency_median_us': statistics.median(r['latency_median_us'] for r in rs),
            'latency_p99_us': statistics.median(r['latency_p99_us'] for r in rs),
            'bytes_copied': max(r.get('bytes_copied', -1) for r in rs),
        })
    for row in rows:
        def ref(name):
            for o in rows:
                if (o['scenario'], o['consumer'], o['contender']) == (row['scenario'], row['consumer'], name):
                    return o['cpu_us_per_frame']
            return None
        for key, name in (('vs_raw', 'raw'), ('vs_v4l2src_dmabuf', 'v4l2src-dmabuf')):
            base = ref(name)
            row[key] = round(row['cpu_us_per_frame'] / base, 2) if base else None
    return rows


def markdown(rows):
    lines = ['| scenario | consumer | contender | CPU µs/frame (user + sys) | x raw | x v4l2src dmabuf | '
             'dropped | RSS kB | latency median / p99 µs | bytes copied |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for r in rows:
        lat = ('n/a' if r['latency_median_us'] < 0 else
               f'{r["latency_median_us"]:.0f} / {r["latency_p99_us"]:.0f}')
        lines.append(f'| {r["scenario"]} | {r["consumer"]} | {r["contender"]} | '
                     f'{r["cpu_us_per_frame"]:.0f} ({r["user_us_per_frame"]:.0f} + {r["sys_us_per_frame"]:.0f}) | '
                     f'{r["vs_raw"]} | {r["vs_v4l2src_dmabuf"]} | {r["dropped"]} | {r["rss_kb"]} | {lat} | '
                     f'{"n/a" if r["bytes_copied"] < 0 else r["bytes_copied"]} |')
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    sys.exit(main())
