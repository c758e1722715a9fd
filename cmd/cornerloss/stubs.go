package main

import "io"

// runRender and runServe arrive with the page (viz panels, static site).
func runRender(args []string, stdout, stderr io.Writer) error {
	return usagef("render is not built yet")
}
