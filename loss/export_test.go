package loss

// OracleScalars exposes the test oracle (referenceOracle) to the external
// golden tests: the loss and its four terms, weighted and divided by nstack.
func OracleScalars(in *Input, o Options) (loss, focal, pull, push, regr float64) {
	r := referenceOracle(in, o)
	return r.Loss, r.Focal, r.Pull, r.Push, r.Regr
}
