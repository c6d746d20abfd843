//! Arrow in and out through the C data interface (the PyCapsule protocol,
//! `__arrow_c_array__`), and the batch kernels: one engine call per row,
//! in parallel slices, the results appended to column builders. A row's
//! failure is that row's error codes, never an exception that loses the
//! batch.

use std::sync::{Arc, Mutex};

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi, to_ffi};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, Int64Array, LargeBinaryArray,
    LargeStringArray, ListArray, RecordBatch, StringArray, StringViewArray, StructArray,
    make_array,
};
use arrow_schema::{DataType, Field, Schema};
use idnsafe::audit::{Finding, NameAudit, NameAuditor, cluster_fingerprint};
use idnsafe::policy::{Decision, Policy, RegistryState, Request};
use idnsafe::{CheckRow, Checker as Engine};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::error;

/// The code of a null row.
const NAME_NULL: &str = "NAME_NULL";

/// An imported Arrow array of names.
pub(crate) struct Input {
    array: ArrayRef,
}

fn capsule_ptr<T>(c: &Bound<'_, PyCapsule>, name: &std::ffi::CStr) -> PyResult<*mut T> {
    let p = c
        .pointer_checked(Some(name))
        .map_err(|_| error("ARROW_CAPSULE", format!("not an Arrow {name:?} capsule")))?;
    Ok(p.as_ptr().cast::<T>())
}

fn import_data(obj: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    let pair = obj.call_method0("__arrow_c_array__").map_err(|_| {
        error(
            "ARROW_TYPE",
            "not an Arrow array: pass a pyarrow Array (or anything with __arrow_c_array__)",
        )
    })?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair
        .extract()
        .map_err(|_| error("ARROW_CAPSULE", "__arrow_c_array__ did not give two capsules"))?;
    let schema_ptr = capsule_ptr::<FFI_ArrowSchema>(&schema, c"arrow_schema")?;
    let array_ptr = capsule_ptr::<FFI_ArrowArray>(&array, c"arrow_array")?;
    // SAFETY: both pointers come from capsules of the names the Arrow
    // PyCapsule interface defines, which hold an `ArrowSchema` and an
    // `ArrowArray`. `from_raw` moves the array out and marks the capsule's
    // copy released, as the protocol asks of a consumer; the schema is only
    // borrowed while `from_ffi` reads it, and the capsule outlives that.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr);
        from_ffi(array, &*schema_ptr)
    }
    .map_err(|e| error("ARROW_IMPORT", format!("cannot import the Arrow array: {e}")))?;
    Ok(make_array(data))
}

/// Imports a string or binary array (utf8, large_utf8, utf8_view, binary,
/// large_binary, binary_view); anything else is `ARROW_TYPE`.
pub(crate) fn import(obj: &Bound<'_, PyAny>) -> PyResult<Input> {
    let array = import_data(obj)?;
    match array.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView => Ok(Input { array }),
        t => Err(error(
            "ARROW_TYPE",
            format!("names must be an Arrow string or binary array, not {t}"),
        )),
    }
}

impl Input {
    /// The rows by index, without copying them out.
    pub(crate) fn rows(&self) -> Rows<'_> {
        let a = self.array.as_any();
        if let Some(x) = a.downcast_ref::<StringArray>() {
            Rows::Utf8(x)
        } else if let Some(x) = a.downcast_ref::<LargeStringArray>() {
            Rows::LargeUtf8(x)
        } else if let Some(x) = a.downcast_ref::<StringViewArray>() {
            Rows::Utf8View(x)
        } else if let Some(x) = a.downcast_ref::<BinaryArray>() {
            Rows::Binary(x)
        } else if let Some(x) = a.downcast_ref::<LargeBinaryArray>() {
            Rows::LargeBinary(x)
        } else if let Some(x) = a.downcast_ref::<BinaryViewArray>() {
            Rows::BinaryView(x)
        } else {
            Rows::None
        }
    }
}

/// The rows of an imported string or binary array, read by index.
#[derive(Clone, Copy)]
pub(crate) enum Rows<'a> {
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    Binary(&'a BinaryArray),
    LargeBinary(&'a LargeBinaryArray),
    BinaryView(&'a BinaryViewArray),
    /// Another type (refused before any row is read).
    None,
}

impl<'a> Rows<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Rows::Utf8(x) => x.len(),
            Rows::LargeUtf8(x) => x.len(),
            Rows::Utf8View(x) => x.len(),
            Rows::Binary(x) => x.len(),
            Rows::LargeBinary(x) => x.len(),
            Rows::BinaryView(x) => x.len(),
            Rows::None => 0,
        }
    }

    /// Row `i`'s bytes; `None` for a null or past the end.
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        match *self {
            Rows::Utf8(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i).as_bytes()),
            Rows::LargeUtf8(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i).as_bytes()),
            Rows::Utf8View(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i).as_bytes()),
            Rows::Binary(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i)),
            Rows::LargeBinary(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i)),
            Rows::BinaryView(x) => (i < x.len() && x.is_valid(i)).then(|| x.value(i)),
            Rows::None => None,
        }
    }

    /// A size hint for the rows' bytes, from the buffers alone (no pass
    /// over the rows): the value buffer, or for views their data buffers
    /// plus the 12 bytes a view holds inline.
    fn bytes_hint(&self) -> usize {
        let views = |buffers: &[arrow_buffer::Buffer], n: usize| {
            buffers.iter().map(|b| b.len()).sum::<usize>() + 12 * n
        };
        match self {
            Rows::Utf8(x) => x.values().len(),
            Rows::LargeUtf8(x) => x.values().len(),
            Rows::Binary(x) => x.values().len(),
            Rows::LargeBinary(x) => x.values().len(),
            Rows::Utf8View(x) => views(x.data_buffers(), x.len()),
            Rows::BinaryView(x) => views(x.data_buffers(), x.len()),
            Rows::None => 0,
        }
    }
}

/// A record batch ready for export: an object with `__arrow_c_array__`,
/// which `pyarrow.record_batch` (and polars, DuckDB ...) import without a
/// copy. It can be imported once.
#[pyclass(module = "idnsafe._idnsafe")]
pub(crate) struct Exported {
    inner: Mutex<Option<(FFI_ArrowArray, FFI_ArrowSchema)>>,
    rows: usize,
}

#[pymethods]
impl Exported {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // A requested schema is a hint a producer may ignore; ours is fixed.
        let _ = requested_schema;
        let (array, schema) = self
            .inner
            .lock()
            .map_err(|_| error("INTERNAL", "export lock poisoned"))?
            .take()
            .ok_or_else(|| error("ARROW_CONSUMED", "this batch was already imported"))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    fn __len__(&self) -> usize {
        self.rows
    }
}

fn export(columns: Vec<(&str, ArrayRef)>) -> PyResult<Exported> {
    let fields: Vec<Field> =
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| error("INTERNAL", format!("cannot build the result batch: {e}")))?;
    let rows = batch.num_rows();
    let data = StructArray::from(batch).into_data();
    let (array, schema) =
        to_ffi(&data).map_err(|e| error("INTERNAL", format!("cannot export the batch: {e}")))?;
    Ok(Exported { inner: Mutex::new(Some((array, schema))), rows })
}

fn list() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new())
}

fn push_list<'a>(b: &mut ListBuilder<StringBuilder>, items: impl IntoIterator<Item = &'a str>) {
    for i in items {
        b.values().append_value(i);
    }
    b.append(true);
}

/// The columns of `check_arrow`.
struct CheckColumns {
    /// `None` when the caller supplies the column (the input itself).
    name: Option<StringBuilder>,
    ok: BooleanBuilder,
    errors: ListBuilder<StringBuilder>,
    warnings: ListBuilder<StringBuilder>,
    alabel: StringBuilder,
    ulabel: StringBuilder,
    label_script: StringBuilder,
    restriction_level: StringBuilder,
    confusable_key: StringBuilder,
    confusable_with: ListBuilder<StringBuilder>,
}

impl CheckColumns {
    /// Builders sized for `rows` names of `bytes` bytes in all, so that
    /// appending rarely reallocates.
    fn with_capacity(rows: usize, bytes: usize, name: bool) -> Self {
        let text = || StringBuilder::with_capacity(rows, bytes + rows);
        CheckColumns {
            name: name.then(text),
            ok: BooleanBuilder::with_capacity(rows),
            errors: ListBuilder::with_capacity(StringBuilder::new(), rows),
            warnings: ListBuilder::with_capacity(StringBuilder::new(), rows),
            alabel: text(),
            ulabel: text(),
            label_script: StringBuilder::with_capacity(rows, rows * 10),
            restriction_level: StringBuilder::with_capacity(rows, rows * 22),
            confusable_key: text(),
            confusable_with: ListBuilder::with_capacity(StringBuilder::new(), rows),
        }
    }

    fn null_row(&mut self) {
        if let Some(b) = &mut self.name {
            b.append_null();
        }
        self.ok.append_value(false);
        push_list(&mut self.errors, [NAME_NULL]);
        push_list(&mut self.warnings, []);
        self.alabel.append_null();
        self.ulabel.append_null();
        self.label_script.append_null();
        self.restriction_level.append_null();
        self.confusable_key.append_null();
        push_list(&mut self.confusable_with, []);
    }

    fn row(&mut self, input: &[u8], r: &CheckRow) {
        if let Some(b) = &mut self.name {
            b.append_value(String::from_utf8_lossy(input));
        }
        self.ok.append_value(r.ok);
        push_list(&mut self.errors, r.errors.iter().copied());
        push_list(&mut self.warnings, r.warnings.iter().copied());
        self.alabel.append_option(r.alabel.as_deref());
        self.ulabel.append_option(r.ulabel.as_deref());
        self.label_script.append_option(r.label_script.as_deref());
        self.restriction_level.append_option(r.restriction_level.as_deref());
        self.confusable_key.append_option(r.confusable_key.as_deref());
        push_list(&mut self.confusable_with, r.confusable_with.iter().map(String::as_str));
    }

    fn finish(mut self) -> Vec<(&'static str, ArrayRef)> {
        let mut cols: Vec<(&'static str, ArrayRef)> = Vec::with_capacity(10);
        if let Some(mut b) = self.name {
            cols.push(("name", Arc::new(b.finish())));
        }
        cols.extend([
            ("ok", Arc::new(self.ok.finish()) as ArrayRef),
            ("errors", Arc::new(self.errors.finish())),
            ("warnings", Arc::new(self.warnings.finish())),
            ("alabel", Arc::new(self.alabel.finish())),
            ("ulabel", Arc::new(self.ulabel.finish())),
            ("label_script", Arc::new(self.label_script.finish())),
            ("restriction_level", Arc::new(self.restriction_level.finish())),
            ("confusable_key", Arc::new(self.confusable_key.finish())),
            ("confusable_with", Arc::new(self.confusable_with.finish())),
        ]);
        cols
    }
}

/// Rows per parallel piece of a batch.
const PIECE: usize = 16 * 1024;

/// One output column filled from the pieces of successive waves, each
/// piece appended in bulk (values copied whole, offsets shifted).
enum Sink {
    Text(StringBuilder),
    Bool(BooleanBuilder),
    Int(Int64Builder),
    /// A list of strings: its offsets (from 0) and its values.
    List(Vec<i32>, StringBuilder),
}

fn join_error(what: &str) -> PyErr {
    error("INTERNAL", format!("cannot join the pieces of a batch: {what}"))
}

impl Sink {
    /// A sink for a column like those of `first` (the column's pieces in
    /// the first wave, `sample` rows of them), for `rows` rows in all: text
    /// and list values are sized at the first wave's bytes (or items) per
    /// row plus an eighth, so that appending seldom reallocates (a
    /// reallocation copies the column and faults in fresh pages). The
    /// reservation is capped at `cap` (from the input's size), so that a
    /// first wave of long entries followed by short ones cannot make it
    /// huge; beyond it the column grows as it fills.
    fn like(first: &[&ArrayRef], sample: usize, rows: usize, cap: usize) -> PyResult<Sink> {
        use arrow_array::cast::AsArray;
        let Some(a) = first.first() else { return Err(join_error("no piece")) };
        let text_bytes = |x: &dyn Fn(&ArrayRef) -> usize| {
            let seen: usize = first.iter().map(|a| x(a)).sum();
            let per_row = seen as f64 / sample.max(1) as f64;
            ((per_row * 1.125 * rows as f64) as usize + 64).min(cap)
        };
        Ok(match a.data_type() {
            DataType::Utf8 => {
                let bytes =
                    text_bytes(&|a| a.as_string_opt::<i32>().map_or(0, |t| t.value_data().len()));
                Sink::Text(StringBuilder::with_capacity(rows, bytes))
            }
            DataType::Boolean => Sink::Bool(BooleanBuilder::with_capacity(rows)),
            DataType::Int64 => Sink::Int(Int64Builder::with_capacity(rows)),
            DataType::List(_) => {
                let mut offsets = Vec::with_capacity(rows + 1);
                offsets.push(0);
                let items = text_bytes(&|a| a.as_list_opt::<i32>().map_or(0, |l| l.values().len()));
                let bytes = text_bytes(&|a| {
                    a.as_list_opt::<i32>()
                        .and_then(|l| {
                            l.values().as_string_opt::<i32>().map(|t| t.value_data().len())
                        })
                        .unwrap_or(0)
                });
                Sink::List(offsets, StringBuilder::with_capacity(items, bytes))
            }
            t => return Err(join_error(&format!("no sink for {t}"))),
        })
    }

    fn append(&mut self, a: &ArrayRef) -> PyResult<()> {
        use arrow_array::builder::ArrayBuilder;
        use arrow_array::cast::AsArray;
        use arrow_array::types::Int64Type;
        match self {
            Sink::Text(b) => {
                let x = a.as_string_opt::<i32>().ok_or_else(|| join_error("not text"))?;
                b.append_array(x).map_err(|e| join_error(&e.to_string()))
            }
            Sink::Bool(b) => {
                b.append_array(a.as_boolean_opt().ok_or_else(|| join_error("not boolean"))?);
                Ok(())
            }
            Sink::Int(b) => {
                let x = a.as_primitive_opt::<Int64Type>().ok_or_else(|| join_error("not int64"))?;
                b.append_array(x);
                Ok(())
            }
            Sink::List(offsets, values) => {
                let l = a.as_list_opt::<i32>().ok_or_else(|| join_error("not a list"))?;
                let offs = l.value_offsets();
                let (first, last) = match (offs.first(), offs.last()) {
                    (Some(f), Some(l)) => (*f, *l),
                    _ => return Ok(()),
                };
                let base = i32::try_from(values.len()).map_err(|_| join_error("list too long"))?;
                offsets.extend(offs.iter().skip(1).map(|o| base + (o - first)));
                let used = l.values().slice(first as usize, (last - first) as usize);
                let text = used.as_string_opt::<i32>().ok_or_else(|| join_error("not text"))?;
                values.append_array(text).map_err(|e| join_error(&e.to_string()))
            }
        }
    }

    fn finish(self) -> PyResult<ArrayRef> {
        Ok(match self {
            Sink::Text(mut b) => Arc::new(b.finish()),
            Sink::Bool(mut b) => Arc::new(b.finish()),
            Sink::Int(mut b) => Arc::new(b.finish()),
            Sink::List(offsets, mut values) => {
                let field = Arc::new(Field::new_list_field(DataType::Utf8, true));
                let offsets = arrow_buffer::OffsetBuffer::new(offsets.into());
                Arc::new(
                    ListArray::try_new(field, offsets, Arc::new(values.finish()), None)
                        .map_err(|e| join_error(&e.to_string()))?,
                )
            }
        })
    }
}

/// Runs `piece` over `entries` in waves: the pieces of a wave (a few per
/// thread) are built in parallel, then appended in bulk to the output
/// columns, and their memory is reused by the next wave. Beyond the input
/// and the output, a batch holds one wave of pieces.
fn in_pieces<'a>(
    rows: Rows<'a>,
    piece: impl Fn(&[Option<&'a [u8]>]) -> Vec<(&'static str, ArrayRef)> + Sync,
) -> PyResult<Exported> {
    export(columns_in_pieces(rows, piece)?)
}

/// [`in_pieces`] before the export: the joined columns.
fn columns_in_pieces<'a>(
    rows: Rows<'a>,
    piece: impl Fn(&[Option<&'a [u8]>]) -> Vec<(&'static str, ArrayRef)> + Sync,
) -> PyResult<Vec<(&'static str, ArrayRef)>> {
    let threads = rayon::current_num_threads().max(1);
    let n = rows.len();
    // Output columns hold at most a few times the input's bytes (names,
    // their A-labels, keys, scripts): the cap of a column's reservation.
    let cap = rows.bytes_hint().saturating_mul(2).saturating_add(n.saturating_mul(64));
    let wave = PIECE * threads * 2;
    let mut sinks: Vec<(&'static str, Sink)> = Vec::new();
    for start in (0..n).step_by(wave) {
        let end = (start + wave).min(n);
        // Each piece reads its rows by index: no copy of the whole input.
        let parts: Vec<Vec<(&'static str, ArrayRef)>> = (start..end)
            .step_by(PIECE)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|p| {
                let chunk: Vec<Option<&[u8]>> =
                    (p..(p + PIECE).min(end)).map(|i| rows.get(i)).collect();
                piece(&chunk)
            })
            .collect();
        if sinks.is_empty()
            && let Some(first) = parts.first()
        {
            let sample = end - start;
            sinks = first
                .iter()
                .enumerate()
                .map(|(c, (name, _))| {
                    let pieces: Vec<&ArrayRef> =
                        parts.iter().filter_map(|p| p.get(c).map(|(_, a)| a)).collect();
                    Ok((*name, Sink::like(&pieces, sample, n, cap)?))
                })
                .collect::<PyResult<_>>()?;
        }
        // Columns are appended in parallel, each by one thread, pieces in order.
        sinks.par_iter_mut().enumerate().try_for_each(|(c, (_, sink))| {
            parts.iter().try_for_each(|part| match part.get(c) {
                Some((_, a)) => sink.append(a),
                None => Err(join_error("a piece lacks a column")),
            })
        })?;
    }
    if sinks.is_empty() {
        return Ok(piece(&[]));
    }
    sinks.into_iter().map(|(name, s)| Ok((name, s.finish()?))).collect()
}

/// `check_arrow`: one row per input row, computed and appended in
/// parallel pieces.
pub(crate) fn check_batch(engine: &Engine, input: &Input) -> PyResult<Exported> {
    // A utf8 input is the `name` column as it is (its bytes are valid
    // UTF-8, so the lossy copy would equal it): no copy.
    let same = input.array.data_type() == &DataType::Utf8;
    let mut columns = columns_in_pieces(input.rows(), |chunk| {
        let bytes: usize = chunk.iter().flatten().map(|e| e.len()).sum();
        let mut cols = CheckColumns::with_capacity(chunk.len(), bytes, !same);
        let mut row = CheckRow::default();
        for e in chunk {
            match e {
                Some(b) => {
                    crate::check_row(engine, b, &mut row);
                    cols.row(b, &row);
                }
                None => cols.null_row(),
            }
        }
        cols.finish()
    })?;
    if same {
        columns.insert(0, ("name", input.array.clone()));
    }
    export(columns)
}

/// `screen_arrow`: one row per input row, in parallel pieces.
pub(crate) fn screen_batch(
    policy: &Policy,
    state: &RegistryState,
    req: Request<'_>,
    input: &Input,
) -> PyResult<Exported> {
    in_pieces(input.rows(), |chunk| {
        let mut name = StringBuilder::new();
        let mut decision = StringBuilder::new();
        let mut codes = list();
        let mut messages = list();
        let mut bundle = list();
        for e in chunk {
            let Some(b) = e else {
                name.append_null();
                decision.append_value("reject");
                push_list(&mut codes, [NAME_NULL]);
                push_list(&mut messages, ["The value is null: there is no name to screen."]);
                push_list(&mut bundle, []);
                continue;
            };
            // An over-long name is refused as LINE_TOO_LONG by the engine,
            // which is not given more than one byte past the limit.
            let head = b.get(..crate::MAX_ARG + 1).unwrap_or(b);
            let d: Decision = policy.screen(state, &String::from_utf8_lossy(head), req);
            name.append_value(&d.input);
            decision.append_value(d.decision.as_str());
            push_list(&mut codes, d.reasons.iter().map(|r| r.code.as_str()));
            push_list(&mut messages, d.reasons.iter().map(|r| r.message.as_str()));
            push_list(&mut bundle, d.bundle.iter().map(|b| b.label));
        }
        vec![
            ("name", Arc::new(name.finish()) as ArrayRef),
            ("decision", Arc::new(decision.finish())),
            ("codes", Arc::new(codes.finish())),
            ("messages", Arc::new(messages.finish())),
            ("bundle", Arc::new(bundle.finish())),
        ]
    })
}

/// Findings as rows (`audit`), optionally with the key columns of a
/// per-name audit (`Auditor`).
pub(crate) struct FindingsBuilder {
    kind: StringBuilder,
    names: ListBuilder<StringBuilder>,
    protected: StringBuilder,
    codes: ListBuilder<StringBuilder>,
    messages: ListBuilder<StringBuilder>,
    file: StringBuilder,
    line: Int64Builder,
    keyed: Option<KeyColumns>,
}

#[derive(Default)]
struct KeyColumns {
    name: StringBuilder,
    zone: StringBuilder,
    key: StringBuilder,
    idn: BooleanBuilder,
    fp: Int64Builder,
}

impl Default for FindingsBuilder {
    fn default() -> Self {
        FindingsBuilder {
            kind: StringBuilder::new(),
            names: list(),
            protected: StringBuilder::new(),
            codes: list(),
            messages: list(),
            file: StringBuilder::new(),
            line: Int64Builder::new(),
            keyed: None,
        }
    }
}

impl FindingsBuilder {
    fn keyed() -> Self {
        FindingsBuilder { keyed: Some(KeyColumns::default()), ..FindingsBuilder::default() }
    }

    /// One finding (file and line from its first reason that has them).
    pub(crate) fn push(&mut self, f: &Finding) {
        self.kind.append_value(f.kind.as_str());
        push_list(&mut self.names, f.names.iter().map(String::as_str));
        self.protected.append_option(f.protected.as_deref());
        push_list(&mut self.codes, f.reasons.iter().map(|r| r.code.as_str()));
        push_list(&mut self.messages, f.reasons.iter().map(|r| r.message.as_str()));
        self.file.append_option(f.reasons.iter().find_map(|r| r.file.as_deref()));
        self.line.append_option(
            f.reasons.iter().find_map(|r| r.line).and_then(|l| i64::try_from(l).ok()),
        );
        if let Some(k) = &mut self.keyed {
            k.name.append_null();
            k.zone.append_null();
            k.key.append_null();
            k.idn.append_null();
            k.fp.append_null();
        }
    }

    /// A row without a finding: the finding columns null or empty.
    fn push_no_finding(&mut self) {
        self.kind.append_null();
        push_list(&mut self.names, []);
        self.protected.append_null();
        push_list(&mut self.codes, []);
        push_list(&mut self.messages, []);
        self.file.append_null();
        self.line.append_null();
    }

    /// A key row: a name's zone, cluster key, IDN flag and key fingerprint.
    fn push_key(&mut self, r: &NameAudit, name: &str, fp: u64) {
        self.push_no_finding();
        if let Some(k) = &mut self.keyed {
            k.name.append_value(name);
            k.zone.append_value(&r.zone);
            k.key.append_value(&r.key);
            k.idn.append_value(r.idn);
            k.fp.append_value(i64::from_ne_bytes(fp.to_ne_bytes()));
        }
    }

    pub(crate) fn finish(self) -> PyResult<Exported> {
        export(self.columns())
    }

    fn columns(mut self) -> Vec<(&'static str, ArrayRef)> {
        let mut cols: Vec<(&'static str, ArrayRef)> = vec![
            ("kind", Arc::new(self.kind.finish())),
            ("names", Arc::new(self.names.finish())),
            ("protected", Arc::new(self.protected.finish())),
            ("codes", Arc::new(self.codes.finish())),
            ("messages", Arc::new(self.messages.finish())),
            ("file", Arc::new(self.file.finish())),
            ("line", Arc::new(self.line.finish())),
        ];
        if let Some(mut k) = self.keyed {
            cols.push(("name", Arc::new(k.name.finish())));
            cols.push(("zone", Arc::new(k.zone.finish())));
            cols.push(("key", Arc::new(k.key.finish())));
            cols.push(("idn", Arc::new(k.idn.finish())));
            cols.push(("fp", Arc::new(k.fp.finish())));
        }
        cols
    }
}

/// `Auditor._audit_arrow`: a row per finding and a key row per name, in
/// parallel pieces. With `only`, key rows for IDNs and for the other names
/// whose cluster-key fingerprint is in it (the IDNs' fingerprints: no
/// other name can join a cluster).
pub(crate) fn audit_batch(
    auditor: &NameAuditor,
    input: &Input,
    only: Option<&FxHashSet<u64>>,
) -> PyResult<Exported> {
    in_pieces(input.rows(), |chunk| {
        let mut out = FindingsBuilder::keyed();
        let mut r = NameAudit::default();
        for e in chunk {
            auditor.entry_into(e.unwrap_or(b""), &mut r);
            for f in &r.findings {
                out.push(f);
            }
            let Some(n) = &r.name else { continue };
            let fp = cluster_fingerprint(&r.zone, &r.key);
            if r.idn || only.is_none_or(|s| s.contains(&fp)) {
                out.push_key(&r, n, fp);
            }
        }
        out.columns()
    })
}

/// `Auditor._idn_fingerprints`: one `fingerprint` (int64, the bits of the
/// u64) per IDN entry of the input.
pub(crate) fn idn_fingerprints(auditor: &NameAuditor, input: &Input) -> PyResult<Exported> {
    let rows = input.rows();
    let fps: Vec<i64> = (0..rows.len())
        .into_par_iter()
        .filter_map(|i| auditor.idn_fingerprint(rows.get(i).unwrap_or(b"")))
        .map(|f| i64::from_ne_bytes(f.to_ne_bytes()))
        .collect();
    export(vec![("fingerprint", Arc::new(Int64Array::from(fps)))])
}

/// `Auditor._key_clusters`: the homograph-cluster findings of key rows
/// (`name`, `zone`, `key` and `idn` columns of one length, as
/// `_audit_arrow` gives them, every row of a (zone, key) among them): one
/// per (zone, key) with two or more distinct names, one of them an IDN,
/// worded as `idnsafe audit` words it. Rows with a null are skipped.
pub(crate) fn key_clusters(
    level: idnsafe::confusables::Level,
    name: &Input,
    zone: &Input,
    key: &Input,
    idn: &BooleanArray,
) -> PyResult<Exported> {
    let (name, zone, key) = (name.rows(), zone.rows(), key.rows());
    let n = name.len();
    if zone.len() != n || key.len() != n || idn.len() != n {
        return Err(error("ARROW_TYPE", "key columns of different lengths"));
    }
    // (zone, key) -> the names and whether one is an IDN.
    type Groups<'a> = rustc_hash::FxHashMap<(&'a [u8], &'a [u8]), (Vec<&'a [u8]>, bool)>;
    let mut groups = Groups::default();
    for i in 0..n {
        let (Some(nm), Some(z), Some(k)) = (name.get(i), zone.get(i), key.get(i)) else {
            continue;
        };
        let g = groups.entry((z, k)).or_default();
        g.0.push(nm);
        g.1 |= idn.is_valid(i) && idn.value(i);
    }
    let mut findings = FindingsBuilder::default();
    for (mut names, has_idn) in groups.into_values() {
        names.sort_unstable();
        names.dedup();
        if has_idn && names.len() >= 2 {
            let names = names.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
            findings.push(&idnsafe::audit::homograph_cluster(names, level));
        }
    }
    findings.finish()
}

/// A boolean Arrow array.
pub(crate) fn import_bools(obj: &Bound<'_, PyAny>) -> PyResult<BooleanArray> {
    let array = import_data(obj)?;
    array.as_any().downcast_ref::<BooleanArray>().cloned().ok_or_else(|| {
        error("ARROW_TYPE", format!("expected an Arrow boolean array, not {}", array.data_type()))
    })
}

/// The set of fingerprints in an Arrow int64 array (nulls skipped).
pub(crate) fn import_fingerprints(obj: &Bound<'_, PyAny>) -> PyResult<FxHashSet<u64>> {
    let array = import_data(obj)?;
    let ints = array.as_any().downcast_ref::<Int64Array>().ok_or_else(|| {
        error(
            "ARROW_TYPE",
            format!("fingerprints must be an Arrow int64 array, not {}", array.data_type()),
        )
    })?;
    Ok(ints.iter().flatten().map(|f| u64::from_ne_bytes(f.to_ne_bytes())).collect())
}
