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

test_dice_of_exactly_one_half_is_suggested if {
	# api-svc and api-service share 4 of 6 and 10 bigrams: 8 / 16
	similar.closest("api-svc", {"api-service", "db"}) == ["api-service"]
}

test_same_bigrams_tie_with_a_prefix if {
	# yzxyz has exactly the bigrams of xyzxy (Dice 1) without being a prefix
	similar.closest("xyzxy", {"xyzxy-1", "yzxyz", "xyzyx"}) == ["xyzxy-1", "yzxyz"]
}

test_too_few_shared_bigrams_is_not_close if {
	# abcdefg shares 2 of its 6 bigrams with abxxxxxfg (a third: Dice 4 / 11)
	# and 1 with abzzzzz (less than a third: never scored)
	similar.closest("abcdefg", {"abxxxxxfg", "abzzzzz"}) == []
}

test_names_longer_than_any_kubernetes_name_are_not_compared if {
	long := concat("", [x | some _ in numbers.range(1, 254); x := "a"])
	count(long) == 254
	similar.closest(long, {"aaa", concat("", [long, "b"])}) == []
	similar.closest("aaa", {long}) == []
	similar.closest("aab", {"aaa", long}) == ["aaa"]
}

test_a_name_in_capitals_means_its_lowercase if {
	similar.suggest("API", {"api", "apis", "web"}) == ["api"]
	similar.suggest("Payments-API", ["payments-api"]) == ["payments-api"]

	# no lowercase namesake: scored as any other name
	similar.suggest("Web", {"api"}) == []
	similar.suggest("api-svc", {"api-service", "web"}) == similar.closest("api-svc", {"api-service", "web"})
}

# kustomize's namePrefix and nameSuffix and Helm's release prefixes rename
# a Service but not the backendRefs to it: the renamed Service is meant.
test_a_name_behind_a_prefix_is_meant if {
	similar.closest("web", {"prod-web-v2", "prod-api-v2"}) == ["prod-web-v2"]
	similar.closest("api", {"shop-api", "shop-web"}) == ["shop-api"]
	similar.closest("web", {"webhook", "prod-web"}) == ["prod-web", "webhook"]
	similar.closest("web", {"prod-api", "prodweb"}) == ["prodweb"]
}

# More candidates than max_candidates: no comparison, no suggestion, but
# the exact name in lowercase is still found; fewer are compared.
test_too_many_candidates_are_not_compared if {
	many := {"svc-1", "svc-2", "svc-3", "svc-4"}
	similar.suggest("svc-1x", many) == [] with similar.max_candidates as 3
	similar.suggest("SVC-1", many) == ["svc-1"] with similar.max_candidates as 3
	similar.suggest("svc-1x", many) == ["svc-1"]
}
