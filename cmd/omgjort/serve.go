package main

import (
	"context"

	"omgjort/server"
)

func runServe(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "serve", "serve [--data DIR] [--addr HOST:PORT]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, env, *addr)
}

func (a *app) serve(ctx context.Context, env *environ, addr string) error {
	srv, err := server.New(server.Config{Addr: addr, Logger: a.log}, a.idx, a.db)
	if err != nil {
		return err
	}
	a.log.Info("serving", "url", "http://"+addr+"/")
	return srv.ListenAndServe(ctx)
}
