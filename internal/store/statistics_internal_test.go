package store

import (
	"encoding/json"
	"testing"

	"sdgdt"
)

func TestFiguresEncoding(t *testing.T) {
	var f sdgdt.Figures
	f.Count("year", sdgdt.StatPupil{Female: true, Grade: 7, Result: &sdgdt.PupilResult{Year: sdgdt.TermLevels{Learning: "K", Conduct: "T"},
		LearningFinal: "K", Promotion: "promoted", Award: "gioi", SubjectsJSON: `[{"subject":"toan","assessed_by":"score","year":7.5},{"subject":"gdtc","assessed_by":"comment","year":"D"}]`}})
	f.Count("year", sdgdt.StatPupil{Primary: true, Grade: 5, CN: &sdgdt.PrimaryResult{Result: "HTT", SubjectsT: 3, QCD: 2,
		SubjectsJSON: `[{"subject":"toan","level":"T","test":9},{"subject":"dao_duc","level":"H"}]`}})
	if s := f.Subject("toan"); s.LevelT != 1 || s.Pupils != 2 || s.Bins[9] != 1 || f.Subject("dao_duc").LevelH != 1 {
		t.Errorf("primary subject figures %+v %+v", s, f.Subject("dao_duc"))
	}
	for _, in := range []sdgdt.Figures{{}, f} {
		got, err := decodeFigures(encodeFigures(in))
		a, _ := json.Marshal(in)
		b, _ := json.Marshal(got)
		if err != nil || string(a) != string(b) {
			t.Errorf("round trip of %s: %s, %v", a, b, err)
		}
	}
	for _, bad := range []string{"2;1", "1;x;;", "1;1,x;;"} {
		if _, err := decodeFigures(bad); err == nil {
			t.Errorf("%q decodes", bad)
		}
	}
	if got, err := decodeFigures("{}"); err != nil || got.Pupils != 0 {
		t.Errorf("empty row: %v %v", got, err)
	}
}
