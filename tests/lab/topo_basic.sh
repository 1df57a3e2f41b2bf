# shellcheck shell=bash
# The small lab most probe tests share:
#   noc 198.51.100.1 -- .2 core 203.0.113.1 -- .2 site1
#                           core 203.0.113.5 -- .6 site2
lab_host noc; lab_host core; lab_host site1; lab_host site2
lab_link noc n0 198.51.100.1/30 core c0 198.51.100.2/30
lab_link core c1 203.0.113.1/30 site1 r1 203.0.113.2/30
lab_link core c2 203.0.113.5/30 site2 r2 203.0.113.6/30
lab_forward core
lab_route noc 203.0.113.0/24 198.51.100.2
lab_route site1 198.51.100.0/30 203.0.113.1
lab_route site2 198.51.100.0/30 203.0.113.5
