package timeline

// Encodes is how many steps c has encoded so far.
func Encodes(c *StepsJSON) int { return c.encodes }
