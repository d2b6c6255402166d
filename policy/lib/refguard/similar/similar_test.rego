package lib.refguard.similar_test

import data.lib.refguard.similar

test_unique_close_name if {
	similar.closest("svc-web", {"svc-wbe", "database"}) == ["svc-wbe"]
}

test_prefix_either_way_scores_one if {
	similar.closest("checkout", {"checkout-v2", "check", "checkout-api"}) == ["check", "checkout-api", "checkout-v2"]
}

test_short_prefix_does_not_count if {
	similar.closest("ab", {"abcdef"}) == []
}

test_tie_is_sorted if {
	similar.closest("web-1", {"web-2", "web-3"}) == ["web-2", "web-3"]
}

test_nothing_close_and_self_excluded if {
	similar.closest("payments", {"payments", "zzz", "inventory"}) == []
}
