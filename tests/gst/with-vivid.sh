#!/bin/sh
# In the guest: with-vivid.sh [VIVID-PARAMS...] -- TEST [ARGS...]
# Loads vivid with the given module parameters, then runs TEST.
params=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	params="$params $1"
	shift
done
[ "$1" = "--" ] && shift
# shellcheck disable=SC2086
modprobe vivid $params || exit 126
exec "$@"
