package compare

// Updating reports whether -update was given, for the external golden tests.
func Updating() bool { return *update }
