package omgjort

import "time"

// Intake says how one of the municipality's own decisions came into Omgjort, so its page can
// tell a reader what the record rests on without naming anybody: the route, whether a jurist
// approved its redaction, and when it was imported. Published decisions have none.
type Intake struct {
	// Route is IntakeUpload, IntakeCommand or IntakeDemo.
	Route string `json:"route"`
	// Reviewed is true when the letter went through the review queue and a jurist approved its
	// redaction; false when the redaction was certain enough to store the letter at once.
	Reviewed bool `json:"reviewed,omitempty"`
	// Imported is when the letter was read (the upload or the command ran); FirstStored and
	// Stored on the decision say when it was stored.
	Imported time.Time `json:"imported,omitzero"`
}

// The routes of Intake.
const (
	// IntakeUpload: the upload page (/admin/import).
	IntakeUpload = "upload"
	// IntakeCommand: `omgjort import`.
	IntakeCommand = "kommando"
	// IntakeDemo: the embedded demo letters.
	IntakeDemo = "demo"
)

// RouteLabel is the route in Danish, for the decision page.
func (in *Intake) RouteLabel() string {
	if in == nil {
		return "Ukendt"
	}
	switch in.Route {
	case IntakeUpload:
		return "Upload på siden Importér egne afgørelser"
	case IntakeCommand:
		return "Kommandoen omgjort import"
	case IntakeDemo:
		return "Demoens indbyggede breve"
	}
	return "Ukendt"
}

// ReviewLabel says in Danish whether a jurist approved the redaction.
func (in *Intake) ReviewLabel() string {
	switch {
	case in == nil:
		return "Ukendt"
	case in.Reviewed:
		return "Godkendt af en jurist efter gennemsyn af anonymiseringen"
	}
	return "Gemt uden gennemsyn: anonymiseringen var sikker"
}
