# SPDX-License-Identifier: GPL-2.0
# vswap: the test loop around the patch series. See README.

H := harness

.PHONY: run test bench bisect soak deps fetch tree build payload series refresh \
	tree-reset checkpatch clean distclean help

help:
	@sed -n 's/^## //p' $(lastword $(MAKEFILE_LIST))

## make run         build the vswap kernel, boot it, swap a verified workload
run:
	@$(H)/run

## make test        everything CI runs; ends with "N passed, N failed"
test:
	@$(H)/test

## make bench       bench/*.sh on base, VSWAP=n and =y, interleaved (RUNS=5 BENCH= KERNELS= METER=)
bench:
	@$(H)/bench

## make bisect      every prefix of the series: build =y and =n, boot =y (FROM=N TO=N; MATRIX=1: SWAP=n, ZSWAP=n, MEMCG=n too)
bisect:
	@$(H)/bisect

## make soak        soak scenarios on KASAN and -O2 kernels (DURATION=min SCENARIO= KERNELS=)
soak:
	@$(H)/soak

## make deps        install missing Debian packages
deps:
	@$(H)/deps

## make fetch       download and unpack the pinned base kernel (base.version)
fetch:
	@$(H)/fetch

## make tree        assemble build/linux: base + patches/series + new files
tree:
	@$(H)/tree

## make build V=x   build one variant: base vswap novswap bench-base bench-novswap bench-vswap
V ?= vswap
build: tree
	@$(H)/build $(V)

## make payload     build the static test programs the guest runs
payload:
	@$(H)/payload

## make series      the mail-ready series in build/series, as the sender (AUTHOR="Name <email>")
series:
	@$(H)/series

## make refresh     turn commits in build/linux back into patches/ and the overlay
refresh:
	@$(H)/refresh

## make tree-reset  drop local edits in build/linux and re-assemble it
tree-reset:
	@$(H)/tree-reset

## make checkpatch  checkpatch.pl --strict over the series and the new files
checkpatch: tree
	@$(H)/checkpatch

## make clean       remove build/ (kernels, trees, runs); keep the source cache
clean:
	@git -C .cache/src/linux worktree prune 2>/dev/null || true
	rm -rf build

## make distclean   also remove .cache/ (the downloaded base kernel)
distclean: clean
	rm -rf .cache
