// Package report builds the documents of the system — Excel workbooks now,
// PDF next — from domain values (package sdgdt) and the views of internal/app,
// and reads back the workbooks people fill in and upload.
//
// Each document is one function returning the whole file as bytes, so that a
// handler sends headers only once the document is complete: a failure gives an
// error page, never half a file. No error of the underlying library is
// dropped; a document's builder keeps the first one and returns it.
//
// The reader lives here too because a workbook's layout is one piece of
// knowledge: the sheet names, heading rows and hidden metadata that a writer
// lays out are exactly what the reader checks, so both sides change together
// and the round trip (export, fill in offline, import) is tested in one place.
//
// Documents are shown the Vietnamese way: dates dd/mm/yyyy, numbers written as
// text with a decimal comma (7,5), a bold frozen heading row, set column
// widths, Vietnamese sheet names and headings.
//
// report may import the root package sdgdt, internal/app (view types and
// pure helpers only), internal/assess and internal/viet; it never imports
// internal/store or internal/web, and does no I/O besides the writer or bytes
// it is given.
package report
