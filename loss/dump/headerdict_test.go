package dump

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy/float16"
)

// TestParseDict reads header dicts as NumPy writes them and in the other
// forms numpy.load reads, and refuses the rest with a message that says
// where. The browser build reads every header with parseDict.
func TestParseDict(t *testing.T) {
	for _, tc := range []struct {
		dict string
		want headerDict
	}{
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", headerDict{"'<f4'", false, []int{2, 3}}},
		{"{'descr': '|u1', 'fortran_order': True, 'shape': (5,), }" + strings.Repeat(" ", 40), headerDict{"'|u1'", true, []int{5}}},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", headerDict{"'<f8'", false, nil}},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5, 6)}", headerDict{"'<f4'", false, []int{1, 2, 3, 4, 5, 6}}},
		{"{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }", headerDict{"'<f4'", false, []int{2}}},
		{`{"shape":(7,3,),"descr":">i8","fortran_order":True}`, headerDict{`">i8"`, true, []int{7, 3}}},
		{"  {  'fortran_order' :False ,'descr':'<f2'  ,  'shape' : ( 0 , 9 ) ,}  ", headerDict{"'<f2'", false, []int{0, 9}}},
		{"{'descr': '|b1', 'fortran_order': False, 'shape': (-1, 128), }", headerDict{"'|b1'", false, []int{-1, 128}}},
		{"{'descr': '<i8', 'fortran_order': False, 'shape': (9223372036854775807,), }", headerDict{"'<i8'", false, []int{math.MaxInt64}}},
		{"{'descr': [('a', '<f4'), ('b', '<i4', (2,))], 'fortran_order': False, 'shape': (2,), }", headerDict{"[('a', '<f4'), ('b', '<i4', (2,))]", false, []int{2}}},
		{"{'descr': None, 'fortran_order': False, 'shape': (), }", headerDict{"None", false, nil}},
	} {
		got, err := parseDict(tc.dict)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseDict(%q)\n = %+v, %v\nwant %+v", tc.dict, got, err, tc.want)
		}
	}

	const ok = "'descr': '<f4', 'fortran_order': False"
	for _, tc := range []struct{ dict, err string }{
		{"", "want '{' at byte 0, the end"},
		{"{}", "no 'descr' key"},
		{"{'descr': '<f4', 'shape': (2,)}", "no 'fortran_order' key"},
		{"{" + ok + "}", "no 'shape' key"},
		{"{'align': True, " + ok + ", 'shape': (2,), }", "unknown key 'align'"},
		{"{" + ok + ", 'shape': (2,), 'descr': '<f8', }", "key 'descr' given twice"},
		{"{descr: '<f4', 'fortran_order': False, 'shape': (), }", `want a quoted key at byte 1, found "descr: '<f4', 'fortran_o..."`},
		{"{'descr' '<f4', 'fortran_order': False, 'shape': (), }", `want ':' at byte 9, found "'<f4', 'fortran_order': ..."`},
		{"{'descr': '<f4' 'fortran_order': False, 'shape': (), }", `want ',' or '}' at byte 16, found "'fortran_order': False, ..."`},
		{"{" + ok + ", 'shape': (2, 3), ", "want a quoted key at byte 58, the end"},
		{"{" + ok + ", 'shape': (2, 3), } # c", `"# c" after the closing '}'`},
		{"{,}", `want a quoted key at byte 1, found ",}"`},
		{"{'descr': '<f4', 'fortran_order': 0, 'shape': (), }", "'fortran_order' is 0, want True or False"},
		{"{'descr': '<f4', 'fortran_order': 'False', 'shape': (), }", `want True or False for 'fortran_order' at byte 34, found "'False', 'shape': (), }"`},
		{"{" + ok + ", 'shape': (5), }", "'shape' is (5), not a tuple: want (5,)"},
		{"{" + ok + ", 'shape': [2, 3], }", `want '(' at byte 50, found "[2, 3], }"`},
		{"{" + ok + ", 'shape': (,), }", `want an integer in 'shape' at byte 51, found ",), }"`},
		{"{" + ok + ", 'shape': (2,,3), }", `want an integer in 'shape' at byte 53, found ",3), }"`},
		{"{" + ok + ", 'shape': (2 3), }", `want ',' or ')' in 'shape' at byte 53, found "3), }"`},
		{"{" + ok + ", 'shape': (2, 3", "want ',' or ')' in 'shape' at byte 55, the end"},
		{"{" + ok + ", 'shape': (3L, 4L), }", "3L is not a decimal integer"},
		{"{" + ok + ", 'shape': (007,), }", "007 is not a decimal integer"},
		{"{" + ok + ", 'shape': (0x10,), }", "0x10 is not a decimal integer"},
		{"{" + ok + ", 'shape': (+3,), }", `want an integer in 'shape' at byte 51, found "+3,), }"`},
		{"{" + ok + ", 'shape': (- 3,), }", `want an integer at byte 51, found "- 3,), }"`},
		{"{" + ok + ", 'shape': (1.5,), }", `want ',' or ')' in 'shape' at byte 52, found ".5,), }"`},
		{"{" + ok + ", 'shape': (9223372036854775808,), }", "integer 9223372036854775808 is out of range"},
		{"{'descr': <f4, 'fortran_order': False, 'shape': (), }", `want a value at byte 10, found "<f4, 'fortran_order': Fa..."`},
		{"{'descr': '<f4, 'fortran_order': False, 'shape': (), }", `want ',' or '}' at byte 17, found "fortran_order': False, '..."`},
		{`{'descr': '<f\x34', 'fortran_order': False, 'shape': (), }`, "backslash in the string at byte 10"},
		{"{'descr': '<f4", "string at byte 10 is not closed"},
		{"{'descr': b'<f4', 'fortran_order': False, 'shape': (), }", "b is not a literal"},
		{"{'descr': [('a', '<f4') ('b', '<i4')], 'fortran_order': False, 'shape': (), }", `want ',' or ']' at byte 24, found "('b', '<i4')], 'fortran_..."`},
		{"{'descr': " + strings.Repeat("[", 65) + strings.Repeat("]", 65) + ", 'fortran_order': False, 'shape': (), }", "brackets nested deeper than 64"},
	} {
		want := "malformed header dict (" + tc.err + ")"
		if got, err := parseDict(tc.dict); err == nil || err.Error() != want {
			t.Errorf("parseDict(%q)\n = %+v, %v\nwant %s", tc.dict, got, err, want)
		}
	}
}

// TestHalfFloat checks every float16 against its value by the IEEE 754
// formula, and against npyio's float16 where npyio gets it right.
func TestHalfFloat(t *testing.T) {
	for h := range 1 << 16 {
		sign, exp, frac := 1.0, h>>10&0x1f, h&0x3ff
		if h>>15 == 1 {
			sign = -1
		}
		var want float64
		switch exp {
		case 0:
			want = sign * math.Ldexp(float64(frac), -24)
		case 0x1f:
			want = math.Inf(int(sign))
			if frac != 0 {
				want = math.NaN()
			}
		default:
			want = sign * math.Ldexp(float64(1024+frac), exp-25)
		}
		got := halfFloat(uint16(h))
		if math.IsNaN(want) != math.IsNaN(float64(got)) || !math.IsNaN(want) && (float64(got) != want || math.Signbit(float64(got)) != math.Signbit(want)) {
			t.Fatalf("halfFloat(%#04x) = %g, want %g", h, got, want)
		}
		if npyio := float16.Float16Frombits(uint16(h)).Float32(); exp != 0 && math.Float32bits(npyio) != math.Float32bits(got) {
			t.Fatalf("halfFloat(%#04x) = %g (%#08x), npyio %g (%#08x)", h, got, math.Float32bits(got), npyio, math.Float32bits(npyio))
		}
	}
}
