#!/usr/bin/env bash
# Aggregates at scale: the contract's aggregate queries on the real disclosure plus a synthetic
# 2,000 departments × 10 years, on SQLite and PostgreSQL, response cache off (every request is
# computed), at 1 and 16 connections. TopDepartments ranks every synthetic department by 类 901
# (the real 201 has one department). Same knobs as bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
QUERIES=${QUERIES:-"SpendingByFunction TopDepartments Cofog"} \
TARGETS=${TARGETS:-"sqlite-big postgres-big"} \
CACHES=${CACHES:-off} \
CONNS=${CONNS:-"1 16"} \
SKIP_PEER=${SKIP_PEER:-1} \
SKIP_CEILING=${SKIP_CEILING:-1} \
SKIP_RANDOM=${SKIP_RANDOM:-1} \
VARIABLES=${VARIABLES:-'{"code":"901"}'} \
  exec bash bench/run.sh
