-- A lock may cover one column of the sheets in its scope (the end-of-term mark,
-- say) while the rest stays open, as peers' grids allow. '' locks whole sheets.
ALTER TABLE locks ADD COLUMN field TEXT NOT NULL DEFAULT '';
