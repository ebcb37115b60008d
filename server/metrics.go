package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves /metrics for Prometheus from the configured gatherer: job runs,
// failures, durations and decision counts. Who calls it: the monitoring scraper.
func (s *Server) metricsHandler() http.Handler {
	if s.cfg.Metrics == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.notFound(w, r, "Metrikker er ikke slået til.")
		})
	}
	return promhttp.HandlerFor(s.cfg.Metrics, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}, ErrorHandling: promhttp.ContinueOnError})
}

// slogPrinter lets promhttp report gathering errors through the server's logger.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("server: metrics", "error", v) }
