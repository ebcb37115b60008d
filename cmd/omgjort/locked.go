package main

import (
	"errors"
	"slices"

	"omgjort/index"
	"omgjort/store"
)

// lockedHint says what to do instead when a command cannot open the data directory because
// `omgjort serve` holds it: the admin route of the running server that does the same work, or,
// for work only a stopped server allows, to stop it first.
func lockedHint(err error, cmd string, args []string) string {
	if !errors.Is(err, store.ErrLocked) && !errors.Is(err, index.ErrLocked) {
		return ""
	}
	const pre = "Datamappen bruges af en kørende `omgjort serve`. "
	switch cmd {
	case "crawl":
		job := "crawl-astdk"
		if slices.Contains(args, "retsinformation") || slices.Contains(args, "--source=retsinformation") {
			job = "crawl-retsinformation"
		}
		return pre + "Start hentningen i serveren i stedet: POST /admin/run/" + job + " (knappen på /status, med admin-nøglen)."
	case "digest":
		if slices.Contains(args, "--send") || slices.Contains(args, "-send") {
			return pre + "Send ugebrevet fra serveren i stedet: POST /admin/run/digest (knappen på /status, med admin-nøglen)."
		}
		return pre + "Se ugebrevene på /digests, eller send det nu med POST /admin/run/digest."
	case "backup":
		return pre + "Tag sikkerhedskopien i serveren i stedet: POST /admin/run/backup (knappen på /status, med admin-nøglen)."
	case "stats":
		return pre + "Importér filen i serveren i stedet: formularen på /stats (POST /admin/stats/import, med admin-nøglen)."
	}
	return pre + "Stop serveren, før du kører `omgjort " + cmd + "`."
}
