package lib.refguard.refs_test

import data.lib.refguard.refs

test_with_article_reads_the_kind_aloud if {
	[refs.with_article(k) | some k in ["HTTPRoute", "GRPCRoute", "UDPRoute", "TLSRoute", "XBackend", "InferencePool", "Upstream"]] == [
		"an HTTPRoute", "a GRPCRoute", "a UDPRoute", "a TLSRoute", "an XBackend", "an InferencePool", "an Upstream",
	]
}
