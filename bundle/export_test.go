package bundle

// Test helpers shared with the external test package.
var (
	TestKeyPairForTests = testKeyPair
	TamperForTests      = Tamper
)
