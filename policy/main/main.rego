# METADATA
# title: conftest entry point
# description: |
#   The namespace conftest reads by default, so `conftest test --combine
#   --policy policy FILES` runs every refguard rule with no other flag.
#   Only deny and warn are defined here, as multi-value rules, so a user's
#   own package main (another --policy directory) merges with them; the
#   analysis lives in lib.refguard.conftest and runs once per query.
# scope: package
package main

import data.lib.refguard.conftest

deny contains result if {
	some result in conftest.failures
}

warn contains result if {
	some result in conftest.warnings
}
