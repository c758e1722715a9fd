package main

import "io"

// runRender and runServe arrive with the page (viz panels, static site).
func runRender(args []string, stdout, stderr io.Writer) error {
	return usagef("render is not built yet")
}

func runServe(args []string, stdout, stderr io.Writer) error {
	return usagef("serve is not built yet")
}
