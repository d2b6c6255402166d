package lib.refguard.result_test

import data.lib.refguard.config
import data.lib.refguard.result

_ctx(annotations) := {
	"route": {"metadata": {"name": "r", "annotations": annotations}},
	"object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "app", "name": "r"},
	"cfg": config.effective({}),
}

_f(annotations) := result.finding("RG103", _ctx(annotations), "spec.rules[0].backendRefs[0]", {"message": "m"})

test_listed_by_id_any_case_is_suppressed_with_its_reason if {
	f := _f({"refguard.io/ignore": " rg105 ,Rg103", "refguard.io/ignore-reason": "made at deploy time"})
	f.suppression == {"kind": "annotation", "justification": "made at deploy time"}
	f.severity == "error"
	not result.reported(f)
}

test_listed_by_name_or_all_is_suppressed if {
	_f({"refguard.io/ignore": "backend-not-found"}).suppression.kind == "annotation"
	_f({"refguard.io/ignore": "ALL"}).suppression.justification == ""
}

test_other_rules_and_other_annotations_suppress_nothing if {
	not _f({"refguard.io/ignore": "RG105, backend-port-not-found"}).suppression
	not _f({"refguard.io/ignore-reason": "no list"}).suppression
	not _f({"refguard.io/ignore": "RG1034"}).suppression
	result.reported(_f({}))
}

test_annotations_that_are_not_strings_are_ignored if {
	not _f({"refguard.io/ignore": ["RG103"]}).suppression
}

test_a_context_without_an_object_suppresses_nothing if {
	f := result.finding("RG103", {"object": {"kind": "Service"}, "cfg": config.effective({})}, "", {"message": "m"})
	result.reported(f)
}

test_printable_escapes_what_acts_on_a_terminal_or_a_ci_log if {
	result.printable("svc\n::warning file=x::injected") == `svc\x0a::warning file=x::injected`
	result.printable("a\u001b[31mred\r\u007f\u0085") == `a\x1b[31mred\x0d\x7f\u0085`
	result.printable("abc\u202edef") == `abc\u202edef`
}

test_printable_keeps_text_and_tabs if {
	result.printable("Service shop/api\tport 80 é ü 東京 �") == "Service shop/api\tport 80 é ü 東京 �"
}

test_summary_is_printable if {
	f := object.union(_f({}), {"message": "Service a\nb not found"})
	result.summary(f) == `RG103: Service a\x0ab not found (HTTPRoute app/r spec.rules[0].backendRefs[0])`
}
