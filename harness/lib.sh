# SPDX-License-Identifier: GPL-2.0
# Shared definitions for the test-loop scripts. Sourced, never run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VSWAP_CACHE:-$TOP/.cache}
BUILD=${VSWAP_BUILD:-$TOP/build}
LOGS=$BUILD/logs

# base.version is the one record of the pinned base.
# shellcheck disable=SC1091
. <(grep -E '^[a-z0-9]+=' "$TOP/base.version")
BASE_PKG=$package
BASE_VERSION=$version
BASE_SUITE=$suite
BASE_SHA256=$sha256
unset package version suite sha256

# The pristine source is a git repository whose only commit is the base;
# the patched tree is a worktree of it on branch "vswap".
SRC=$CACHE/src/linux
TREE=$BUILD/linux
BASE_TAG=base
# The branch the tree is on (another checkout sharing the cache picks its own).
BRANCH=${VSWAP_BRANCH:-vswap}

# The overlay: files the series adds, at their kernel paths in this repo.
OVERLAY_DIRS=(mm include Documentation tools)
# First line: hash of the series inputs the tree was assembled from;
# second line: the tree's HEAD right after assembly (or refresh).
STAMP=$BUILD/tree.stamp

ARCH=x86_64
export ARCH

# Kbuild passes absolute paths: relative to the checkout, hits carry over
# between clones (CI builds in a fresh clone elsewhere).
export CCACHE_BASEDIR=$TOP
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

say()  { printf '==> %s\n' "$*" >&2; }
note() { printf 'note: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# need CMD PACKAGE: fail with the Debian package that provides CMD.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "missing dependency '$1': run 'make deps' (or: apt-get install $2)"
}

# need_space DIR MIB WHAT: refuse to start a step that would fill the disk.
need_space() {
	local avail
	mkdir -p "$1"
	avail=$(df -Pm "$1" | awk 'NR == 2 { print $4 }')
	[ "$avail" -ge "$2" ] ||
		die "no disk space for $3: $avail MiB free in $1, need $2 MiB"
}

# run_logged LOG CMD...: run CMD with output to LOG, show one progress dot
# every 10 s, and on failure print the log tail and the cause.
run_logged() {
	local log=$1 rc=0 pid t0=$SECONDS next=15
	shift
	mkdir -p "$(dirname "$log")"
	"$@" >"$log" 2>&1 &
	pid=$!
	# Background jobs ignore SIGINT: take the child down with us.
	trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 130' INT TERM
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ $((SECONDS - t0)) -ge $next ]; then
			printf '[%ds] ' $((SECONDS - t0)) >&2
			next=$((next + 15))
		fi
	done
	wait "$pid" || rc=$?
	trap - INT TERM
	printf '\n' >&2
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$log" >&2
		printf 'error: %s failed (exit %d); full log: %s\n' "$*" "$rc" "$log" >&2
	fi
	return "$rc"
}

overlay_files() {
	local d
	for d in "${OVERLAY_DIRS[@]}"; do
		[ ! -d "$TOP/$d" ] || (cd "$TOP" && find "$d" -type f)
	done | LC_ALL=C sort
}

# What in a guest's kernel log fails its run (harness/guest-run, make soak).
SPLAT_RE='WARNING:|BUG:|kernel BUG|Oops|Kernel panic|KASAN|KFENCE|UBSAN|Bad page|possible (recursive|circular) locking|inconsistent lock state|suspicious RCU usage|blocked for more than|soft lockup|rcu_.*self-detected stall|rcu_.*detected stalls'

inputs_hash() {
	(
		cd "$TOP"
		cat patches/series patches/new-files MAINTAINERS
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series |
			while read -r p _; do cat "patches/$p"; done
		overlay_files | while read -r f; do echo "$f"; cat "$f"; done
	) | sha256sum | cut -d' ' -f1
}

series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | awk '{ print $1 }'
}

# files_of PATCH: the overlay files patches/new-files assigns to PATCH.
files_of() {
	awk -v p="$1" '!/^#/ && NF == 2 && $2 == p { print $1 }' "$TOP/patches/new-files"
}
