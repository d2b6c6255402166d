# METADATA
# title: profiles
# description: |
#   What a Gateway controller accepts and which ResolvedRefs reason it writes.
#   Only the prediction changes between profiles, never the findings.
#   See docs/profiles.md for the sources of each fact.
# scope: package
package lib.refguard.profiles

import data.lib.refguard.profiles.spec

profiles := {"spec": spec.profile}
