#!/bin/sh
# Runs a test in the QEMU guest: guest-run.sh RUNNER-OPTIONS -- TEST [ARGS].
# Skips (77) when the guest runner is not there.
run="$(dirname "$0")/../vm/run"
if [ ! -x "$run" ]; then
	echo "SKIP: $run is missing"
	exit 77
fi
exec "$run" "$@"
