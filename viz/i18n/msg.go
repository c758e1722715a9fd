package i18n

import "fmt"

// F formats the message key in the current language with args.
func F(key string, args ...any) string { return fmt.Sprintf(T(key), args...) }

// Msg is a message kept as its key and values, not as text, so that the
// page can say it again when the language changes. Its values may be Msgs
// themselves (fmt calls their String).
type Msg struct {
	Key  string
	Args []any
}

// M makes a Msg.
func M(key string, args ...any) Msg { return Msg{key, args} }

// String says the message in the current language.
func (m Msg) String() string { return F(m.Key, m.Args...) }

// Error is an error for people, said in the current language whenever it is
// read.
type Error struct{ Msg }

func (e *Error) Error() string { return e.String() }

// Err makes an Error.
func Err(key string, args ...any) error { return &Error{M(key, args...)} }

// Wrapped is a message whose tail is a technical detail kept as written
// (a dump reader's or the engine's English error, which names the array
// and the problem, the same words as the CLI's): the page shows Lead in
// its language and Detail as it is.
type Wrapped struct {
	Lead   Msg
	Detail string
}

func (w *Wrapped) Error() string { return w.String() }

// String joins the lead and the detail.
func (w *Wrapped) String() string {
	if w.Detail == "" {
		return w.Lead.String()
	}
	return w.Lead.String() + w.Detail
}

// Said returns err as the page shows it: an Error or a Wrapped as it is,
// any other error as the technical detail behind the lead key (an English
// message of the engine or the reader).
func Said(lead string, err error) fmt.Stringer {
	switch e := err.(type) {
	case *Error:
		return e
	case *Wrapped:
		return e
	}
	return &Wrapped{Lead: M(lead), Detail: err.Error()}
}
