package doc

import "strings"

// col is one column of a table.
type col struct {
	Title string
	W     float64 // mm; 0 shares the width left over
	Align string  // L, C, R ("" is C)
	Wrap  bool    // long text wraps onto several lines (else it shrinks to fit)
}

// group is a heading over Span consecutive columns, from column From.
type group struct {
	From, Span int
	Title      string
}

// table is a table that breaks across pages, repeating its heading.
type table struct {
	Cols   []col
	Groups []group
	Rows   [][]string
	Bold   []bool  // per row: bold (totals)
	Size   float64 // font size (default 9)
	// Tail is the height of what follows the table that must not stand alone
	// on a page (the signature block): the last rows move with it.
	Tail     float64
	TailRows int
}

const cellPad = 1.0

func sizeOf(t table) float64 {
	if t.Size == 0 {
		return 9
	}
	return t.Size
}

func (b *builder) drawTable(t table) {
	f := b.f
	size := t.Size
	if size == 0 {
		size = 9
	}
	lineH := size * 0.42
	// Share the width left over.
	free, nfree := b.contentW(), 0
	for _, c := range t.Cols {
		if c.W == 0 {
			nfree++
		}
		free -= c.W
	}
	// A shared column is at least as wide as the longest word of its
	// heading, when the room allows; the rest is shared equally.
	ws := make([]float64, len(t.Cols))
	b.font("B", sizeOf(t))
	need := 0.0
	for i, c := range t.Cols {
		if c.W != 0 {
			continue
		}
		for _, word := range strings.Fields(c.Title) {
			ws[i] = max(ws[i], b.f.GetStringWidth(word)+2*cellPad+0.5)
		}
		need += ws[i]
	}
	if need > free {
		for i := range ws {
			ws[i] = 0
		}
		need = 0
	}
	for i, c := range t.Cols {
		if c.W != 0 {
			ws[i] = c.W
		} else {
			ws[i] += (free - need) / float64(max(nfree, 1))
		}
	}
	xs := make([]float64, len(t.Cols)+1)
	xs[0] = margin
	for i, w := range ws {
		xs[i+1] = xs[i] + w
	}
	inGroup := make([]bool, len(t.Cols))
	for _, g := range t.Groups {
		for k := g.From; k < g.From+g.Span && k < len(inGroup); k++ {
			inGroup[k] = true
		}
	}
	// Heading heights.
	b.font("B", size)
	colLines := make([][]string, len(t.Cols))
	maxLines := 1
	for i, c := range t.Cols {
		colLines[i] = b.f.SplitText(c.Title, ws[i]-2*cellPad)
		maxLines = max(maxLines, len(colLines[i]))
	}
	groupH := 0.0
	if len(t.Groups) > 0 {
		groupH = lineH + 2*cellPad
	}
	colH := float64(maxLines)*lineH + 2*cellPad
	headH := groupH + colH

	drawHead := func() {
		y := f.GetY()
		b.font("B", size)
		f.SetFillColor(235, 235, 235)
		for _, g := range t.Groups {
			x, w := xs[g.From], xs[min(g.From+g.Span, len(ws))]-xs[g.From]
			f.Rect(x, y, w, groupH, "FD")
			f.SetXY(x, y+cellPad)
			f.CellFormat(w, lineH, g.Title, "", 0, "C", false, 0, "")
		}
		for i := range t.Cols {
			cy, ch := y+groupH, colH
			if !inGroup[i] {
				cy, ch = y, headH
			}
			f.Rect(xs[i], cy, ws[i], ch, "FD")
			ls := colLines[i]
			ty := cy + (ch-float64(len(ls))*lineH)/2
			for k, l := range ls {
				f.SetXY(xs[i], ty+float64(k)*lineH)
				f.CellFormat(ws[i], lineH, l, "", 0, "C", false, 0, "")
			}
		}
		f.SetXY(margin, y+headH)
	}

	// Row layouts.
	type layout struct {
		lines [][]string
		h     float64
	}
	rows := make([]layout, len(t.Rows))
	for r, row := range t.Rows {
		style := ""
		if r < len(t.Bold) && t.Bold[r] {
			style = "B"
		}
		b.font(style, size)
		lo := layout{lines: make([][]string, len(t.Cols))}
		n := 1
		for i := range t.Cols {
			s := ""
			if i < len(row) {
				s = row[i]
			}
			if t.Cols[i].Wrap && s != "" {
				lo.lines[i] = b.f.SplitText(s, ws[i]-2*cellPad)
			} else {
				lo.lines[i] = []string{s}
			}
			n = max(n, len(lo.lines[i]))
		}
		lo.h = float64(n)*lineH + 2*cellPad
		rows[r] = lo
	}
	tailFrom := len(rows) - t.TailRows
	if t.Tail == 0 {
		tailFrom = len(rows) + 1
	}
	tailFrom = max(tailFrom, 0)

	b.ensure(headH + 3*lineH)
	drawHead()
	for r, lo := range rows {
		need := lo.h
		if r == tailFrom {
			for _, rest := range rows[r+1:] {
				need += rest.h
			}
			need += t.Tail
			// Move the last rows with what follows, when together they fit
			// on a page; never leave the heading alone.
			if f.GetY()+need > b.bottom() && r > 0 && margin+headH+need <= b.bottom() {
				b.addPage()
				drawHead()
			}
			need = lo.h
		}
		if f.GetY()+need > b.bottom() {
			b.addPage()
			drawHead()
		}
		style := ""
		if r < len(t.Bold) && t.Bold[r] {
			style = "B"
		}
		y := f.GetY()
		for i, c := range t.Cols {
			f.Rect(xs[i], y, ws[i], lo.h, "D")
			align := c.Align
			if align == "" {
				align = "C"
			}
			ls := lo.lines[i]
			if !c.Wrap && len(ls) == 1 && ls[0] != "" {
				b.fitFont(ls[0], ws[i]-2*cellPad, style, size)
				s := ls[0]
				for b.f.GetStringWidth(s) > ws[i]-2*cellPad && len(s) > 1 {
					s = strings.TrimRight(string([]rune(s)[:len([]rune(s))-2]), " ") + "…"
				}
				ls = []string{s}
			} else {
				b.font(style, size)
			}
			ty := y + cellPad
			if len(ls) == 1 {
				ty = y + (lo.h-lineH)/2
			}
			for k, l := range ls {
				f.SetXY(xs[i]+cellPad, ty+float64(k)*lineH)
				f.CellFormat(ws[i]-2*cellPad, lineH, l, "", 0, align, false, 0, "")
			}
		}
		f.SetXY(margin, y+lo.h)
	}
	b.font("", size)
	f.Ln(2)
}
