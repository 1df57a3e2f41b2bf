# shellcheck shell=bash
# A small estate for the incident tests (addresses from the lab's ranges, tests/README.md):
#
#   noc 198.51.100.1 -- core 198.51.100.2 (datacentre "dc"; WLC .40 on it)
#     core c1 -- sa r1   site "a": router ra + 9 devices (203.0.113.129-137)
#     core c2 -- sb r2   site "b": router rb, UPS .145, 3 devices (.146-148)
#     core c3 -- agg g0  an aggregation router in the datacentre
#       agg g1 -- sc r3  site "c": router rc + 1 device (.161)
#       agg g2 -- sd r4  site "d": router rd + 1 device (.177)
lab_host noc; lab_host core; lab_host sa; lab_host sb; lab_host agg
lab_host sc; lab_host sd
lab_link noc n0 198.51.100.1/30 core c0 198.51.100.2/30
lab_link core c1 203.0.113.1/30 sa r1 203.0.113.2/30
lab_link core c2 203.0.113.5/30 sb r2 203.0.113.6/30
lab_link core c3 203.0.113.9/30 agg g0 203.0.113.10/30
lab_link agg g1 203.0.113.13/30 sc r3 203.0.113.14/30
lab_link agg g2 203.0.113.17/30 sd r4 203.0.113.18/30
lab_forward core
lab_forward agg
for i in $(seq 129 137); do lab_exec sa ip addr add 203.0.113.$i/32 dev lo; done
for i in $(seq 145 148); do lab_exec sb ip addr add 203.0.113.$i/32 dev lo; done
lab_exec sc ip addr add 203.0.113.161/32 dev lo
lab_exec sd ip addr add 203.0.113.177/32 dev lo
lab_exec core ip addr add 198.51.100.40/32 dev lo
lab_route noc 203.0.113.0/24 198.51.100.2
lab_route noc 198.51.100.32/27 198.51.100.2
lab_route core 203.0.113.128/28 203.0.113.2
lab_route core 203.0.113.144/28 203.0.113.6
lab_route core 203.0.113.12/30 203.0.113.10
lab_route core 203.0.113.16/30 203.0.113.10
lab_route core 203.0.113.160/28 203.0.113.10
lab_route core 203.0.113.176/28 203.0.113.10
lab_route sa 198.51.100.0/24 203.0.113.1
lab_route sb 198.51.100.0/24 203.0.113.5
lab_route agg 198.51.100.0/24 203.0.113.9
lab_route agg 203.0.113.160/28 203.0.113.14
lab_route agg 203.0.113.176/28 203.0.113.18
lab_route sc 198.51.100.0/24 203.0.113.13
lab_route sd 198.51.100.0/24 203.0.113.17
