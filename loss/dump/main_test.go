package dump

import (
	"flag"
	"os"
	"testing"
)

// fuzzMinimize bounds how long the fuzzer minimises each new input (unless
// -fuzzminimizetime is given). Go's minimiser tries removing every span of
// bytes, which is quadratic in the input's length, and a dump is a few KB:
// with its default of a minute per new input, FuzzReadNPZ spent its time
// minimising and ran a few inputs a second. A thousand calls cut what
// shortens quickly (the tail, single bytes) and then go back to fuzzing.
const fuzzMinimize = "1000x"

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.fuzzminimizetime" })
	if !given {
		if err := flag.Set("test.fuzzminimizetime", fuzzMinimize); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
