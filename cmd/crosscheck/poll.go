package main

import "context"

func runPoll(ctx context.Context, e env, args []string) error {
	return usagef("poll: not built yet")
}
