package officialstats

import (
	"context"
	"fmt"

	"omgjort"
)

// TeamStats computes the team leaders' figures (omgjort.TeamStatsSource) over the store's own
// decisions: one pass over the own records, never over the published ones, so a team's
// figures can never mix in a principmeddelelse.
func (s *Service) TeamStats(ctx context.Context, f omgjort.TeamFilter) (*omgjort.TeamStats, error) {
	tally := omgjort.NewTeamTally(f)
	err := s.store.ForEachFromSource(OwnSource, func(d *omgjort.Decision) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		tally.Add(d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("officialstats: team statistics: %w", err)
	}
	return tally.Stats(), nil
}
