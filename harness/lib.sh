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
# The base kernels build from a detached worktree of the base at the same
# depth as the patched tree ($BUILD/pristine/linux into $BUILD/pristine/V,
# as $TREE into $BUILD/V): ccache sees the same relative paths, so the
# patched kernels reuse base's objects for every file the series does not
# reach (about 970 of 1,340 objects).
PRISTINE=$BUILD/pristine/linux
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

# ensure_pristine: $PRISTINE at the base commit, clean. It holds nothing
# of anyone's: whatever differs is put back (checkout keeps the mtime of
# files that did not change, so base's builds stay incremental).
ensure_pristine() {
	if [ -d "$PRISTINE" ] && ! git -C "$PRISTINE" rev-parse --git-dir >/dev/null 2>&1; then
		rm -rf "$PRISTINE"
	fi
	if [ ! -d "$PRISTINE" ]; then
		need_space "$BUILD" 2000 "the pristine worktree"
		mkdir -p "$(dirname "$PRISTINE")"
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$PRISTINE" "$BASE_TAG" ||
			die "could not create the worktree $PRISTINE"
		return 0
	fi
	if [ "$(git -C "$PRISTINE" rev-parse HEAD)" != "$(git -C "$SRC" rev-parse "$BASE_TAG^{commit}")" ] ||
	   [ -n "$(git -C "$PRISTINE" status --porcelain --untracked-files=normal)" ]; then
		git -C "$PRISTINE" checkout -q -f --detach "$BASE_TAG"
		git -C "$PRISTINE" clean -qfd
	fi
}

overlay_files() {
	local d
	for d in "${OVERLAY_DIRS[@]}"; do
		[ ! -d "$TOP/$d" ] || (cd "$TOP" && find "$d" -type f)
	done | LC_ALL=C sort
}

# guest_accel: kvm or tcg, what harness/guest-run boots guests with. KVM
# only where it works: a PVM host exposes /dev/kvm, but a normal guest
# hangs there. VSWAP_ACCEL=kvm|tcg overrides. harness/bench asks too: the
# icount meter exists only under TCG.
guest_accel() {
	if [ -n "${VSWAP_ACCEL:-}" ]; then
		echo "$VSWAP_ACCEL"
	elif [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
	     { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		echo kvm
	else
		echo tcg
	fi
}

# What in a guest's kernel log fails its run (harness/guest-run, make soak).
SPLAT_RE='WARNING:|BUG:|kernel BUG|Oops|Kernel panic|KASAN|KFENCE|UBSAN|Bad page|possible (recursive|circular) locking|inconsistent lock state|suspicious RCU usage|blocked for more than|soft lockup|rcu_.*self-detected stall|rcu_.*detected stalls'

# What build/linux is assembled from: the series and its patches. The
# overlay is not an input: it is checked against the result.
inputs_hash() {
	(
		cd "$TOP"
		cat patches/series
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' patches/series |
			while read -r p _; do cat "patches/$p"; done
	) | sha256sum | cut -d' ' -f1
}

# kernel_source_hash: the kernel source the series produces, without the
# files no kernel is built from (Documentation/, tools/, MAINTAINERS).
# Splitting or rewording patches, or editing the docs and selftests they
# add, leaves it as it is. $TREE must be assembled.
kernel_source_hash() {
	local t
	t=$(git -C "$TREE" ls-tree -r HEAD) || die "cannot list $TREE"
	grep -v -E $'\t(Documentation/|tools/|MAINTAINERS$)' <<<"$t" |
		sha256sum | cut -d' ' -f1
}

# bench_hash: what a benchmark's numbers depend on, so that a part kept
# from an earlier session counts only for the same kernels: the kernel
# source, the config fragments of the bench kernels, and the guest-side
# job code and programs. A workload's own script is hashed on top by
# harness/bench.
bench_hash() {
	(
		cd "$TOP"
		kernel_source_hash
		cat configs/test.config configs/bench.config configs/novswap.config \
			Kconfig.vswap bench/lib.sh harness/guest/*.[ch]
	) | sha256sum | cut -d' ' -f1
}

series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | awk '{ print $1 }'
}

# added_files REV: the files the series adds by REV of build/linux.
added_files() {
	git -C "$TREE" diff --name-only --diff-filter=A "$BASE_TAG" "$1" | LC_ALL=C sort
}

# overlay_diff REV: where the overlay is not what the series makes by REV
# of build/linux, one "STATE PATH" line each: "changed" (content or
# executable bit), "missing" (the series adds it, the overlay lacks it),
# "extra" (in the overlay, added by no patch); and "changed MAINTAINERS"
# when this repo's entry is not the one in the tree's MAINTAINERS.
overlay_diff() {
	local rev=$1 f title mode
	comm -3 <(added_files "$rev") <(overlay_files) |
		sed -e 's/^\t\(.*\)/extra \1/' -e t -e 's/^/missing /'
	while read -r f; do
		mode=$(git -C "$TREE" ls-tree "$rev" -- "$f" | awk '{ print $1 }')
		if ! git -C "$TREE" show "$rev:$f" | cmp -s - "$TOP/$f" ||
		   { [ "$mode" = 100755 ] && [ ! -x "$TOP/$f" ]; } ||
		   { [ "$mode" = 100644 ] && [ -x "$TOP/$f" ]; }; then
			echo "changed $f"
		fi
	done < <(comm -12 <(added_files "$rev") <(overlay_files))
	title=$(head -n 1 "$TOP/MAINTAINERS")
	git -C "$TREE" show "$rev:MAINTAINERS" |
		python3 "$TOP/harness/maintainers.py" extract "$title" /dev/stdin |
		cmp -s - "$TOP/MAINTAINERS" || echo "changed MAINTAINERS"
}

# check_overlay REV: fail, saying what to do, unless the overlay is
# exactly what the series makes by REV.
check_overlay() {
	local d
	d=$(overlay_diff "$1")
	[ -z "$d" ] && return 0
	printf '%s\n' "$d" | sed 's/^/  overlay: /' >&2
	die "the overlay is not what patches/ make: the patches are the source of truth. Fold overlay edits into the patch that last touches each file with 'make refresh' (new or removed files: do it in $TREE with git, then 'make refresh'), or drop them with 'git checkout' of the files"
}
