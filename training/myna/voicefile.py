"""Writer and reader for Myna voice files (format version 1).

The byte layout is specified in docs/voice-format.md; the C reader that validates it is
synth/voice/voicefile.c. This module is the only place in Python that knows the layout:
the exporter builds a voice with VoiceWriter, tests and inspectors read one with read_voice.

Example:
    w = VoiceWriter()
    w.add_meta("general.name", "demo")
    w.add_meta("audio.sample_rate", 22050)
    w.add_tensor_f32("mel.filterbank", fb)
    w.add_linear("voc.post1", weight_oki, bias, int8=True)
    w.write("demo.myna")

read_voice returns int8 weights *raw*: tensors["X.weight"] is an int8 array [O, K, I] with
the row padding stripped, and tensors["X.scale"] holds the per-row scales; dequantize()
turns the pair back into float32.
"""

import os
import struct

import numpy as np

MAGIC = b"MYNAVOX\0"
VERSION = 1
ALIGN = 64
HEADER_SIZE = 48
MAX_DIMS = 4

# Metadata value types (docs/voice-format.md, "Metadata entry").
T_I64, T_F64, T_STR, T_I64_ARRAY, T_STR_ARRAY = 0, 1, 2, 3, 4
# Tensor dtypes.
DT_F32, DT_F16, DT_I8 = 0, 1, 2
DTYPE_NAMES = {DT_F32: "f32", DT_F16: "f16", DT_I8: "int8"}

# Limits from the format: the C reader rejects anything beyond them.
MAX_KEY_LEN = 255
MAX_STR_LEN = (1 << 24) - 1
MAX_ARRAY_COUNT = (1 << 20) - 1
MAX_ARRAY_STR_LEN = (1 << 16) - 1
I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1

# A zero row would give scale 0; a tiny positive scale keeps it well defined (all int8 zeros
# dequantise to exactly 0) and never divides by zero in kernels that rescale.
ZERO_ROW_SCALE = 1e-12


class VoiceFormatError(ValueError):
    """A value that cannot be written, or a file that is not a valid voice."""


def round_up(n, multiple=ALIGN):
    return (n + multiple - 1) // multiple * multiple


def i8_row_stride(k_times_i):
    """Bytes per int8 weight row: K*I rounded up to 64 (rt_i8_row_stride in C)."""
    return round_up(k_times_i, ALIGN)


def quantize_rows(w2d):
    """Quantises a float matrix [O, N] to int8 per row.

    Returns (q, scale): q is int8 [O, i8_row_stride(N)] with the padding columns zero, scale
    is float32 [O] with real weight = q * scale. scale = max|row| / 127, values are rounded to
    nearest and clipped to [-127, 127] (-128 is never produced).
    """
    w = np.asarray(w2d, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise VoiceFormatError(f"quantize_rows needs a non-empty 2-D array, got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise VoiceFormatError("quantize_rows: weights contain NaN or infinity")
    rows, n = w.shape
    peak = np.max(np.abs(w), axis=1)
    # The scale is stored as f32, so quantise against the f32 value the reader will use.
    scale = np.where(peak > 0, peak / 127.0, ZERO_ROW_SCALE).astype(np.float32)
    q = np.clip(np.rint(w / scale.astype(np.float64)[:, None]), -127, 127).astype(np.int8)
    padded = np.zeros((rows, i8_row_stride(n)), dtype=np.int8)
    padded[:, :n] = q
    return padded, scale


def dequantize(tensors, prefix):
    """float32 [O, K, I] weight of layer `prefix` from read_voice's tensors (f32 or int8)."""
    w = tensors[prefix + ".weight"]
    if w.dtype != np.int8:
        return w.astype(np.float32)
    scale = tensors[prefix + ".scale"]
    return (w.astype(np.float32) * scale[:, None, None]).astype(np.float32)


def _check_name(what, name):
    if not isinstance(name, str):
        raise VoiceFormatError(f"{what} must be a str, got {type(name).__name__}")
    raw = name.encode("utf-8")
    if not 1 <= len(raw) <= MAX_KEY_LEN:
        raise VoiceFormatError(f"{what} {name!r} must be 1..{MAX_KEY_LEN} bytes of UTF-8")
    if b"\0" in raw:
        raise VoiceFormatError(f"{what} {name!r} contains a NUL byte")
    return raw


def _encode_str(what, s, limit):
    if not isinstance(s, str):
        raise VoiceFormatError(f"{what} must be a str, got {type(s).__name__}")
    raw = s.encode("utf-8")
    if b"\0" in raw:
        raise VoiceFormatError(f"{what} contains a NUL byte")
    if len(raw) > limit:
        raise VoiceFormatError(f"{what} is {len(raw)} bytes, the format allows {limit}")
    return raw


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


class VoiceWriter:
    """Collects metadata and tensors, then writes one voice file."""

    def __init__(self):
        self._meta = {}  # key -> (type, encoded value bytes); insertion order is file order
        self._tensors = {}  # name -> (dtype, dims tuple, payload bytes)

    # ---- metadata ------------------------------------------------------------------------

    def _put_meta(self, key, vtype, payload):
        _check_name("metadata key", key)
        if key in self._meta:
            raise VoiceFormatError(f"metadata key {key!r} added twice")
        self._meta[key] = (vtype, payload)

    def add_i64(self, key, value):
        if not _is_int(value) or not I64_MIN <= int(value) <= I64_MAX:
            raise VoiceFormatError(f"metadata {key!r}: {value!r} is not a 64-bit integer")
        self._put_meta(key, T_I64, struct.pack("<q", int(value)))

    def add_f64(self, key, value):
        if not isinstance(value, (float, int, np.floating, np.integer)) or isinstance(value, bool):
            raise VoiceFormatError(f"metadata {key!r}: {value!r} is not a number")
        self._put_meta(key, T_F64, struct.pack("<d", float(value)))

    def add_str(self, key, value):
        raw = _encode_str(f"metadata {key!r}", value, MAX_STR_LEN)
        self._put_meta(key, T_STR, struct.pack("<Q", len(raw)) + raw)

    def add_i64_array(self, key, values):
        values = list(values)
        if len(values) > MAX_ARRAY_COUNT:
            raise VoiceFormatError(f"metadata {key!r}: {len(values)} items, max {MAX_ARRAY_COUNT}")
        for v in values:
            if not _is_int(v) or not I64_MIN <= int(v) <= I64_MAX:
                raise VoiceFormatError(f"metadata {key!r}: item {v!r} is not a 64-bit integer")
        items = struct.pack(f"<{len(values)}q", *map(int, values))
        payload = struct.pack("<Q", len(values)) + items
        self._put_meta(key, T_I64_ARRAY, payload)

    def add_str_array(self, key, values):
        values = list(values)
        if len(values) > MAX_ARRAY_COUNT:
            raise VoiceFormatError(f"metadata {key!r}: {len(values)} items, max {MAX_ARRAY_COUNT}")
        parts = [struct.pack("<Q", len(values))]
        for i, v in enumerate(values):
            raw = _encode_str(f"metadata {key!r} item {i}", v, MAX_ARRAY_STR_LEN)
            parts.append(struct.pack("<I", len(raw)) + raw)
        self._put_meta(key, T_STR_ARRAY, b"".join(parts))

    def add_meta(self, key, value):
        """Adds a value, typed by its Python type: int -> I64, float -> F64, str -> STR,
        list/tuple of int -> I64_ARRAY, list/tuple of str -> STR_ARRAY. An empty list is
        ambiguous: use add_i64_array / add_str_array for it."""
        if _is_int(value):
            self.add_i64(key, value)
        elif isinstance(value, (float, np.floating)):
            self.add_f64(key, value)
        elif isinstance(value, str):
            self.add_str(key, value)
        elif isinstance(value, (list, tuple, np.ndarray)):
            items = list(value)
            if not items:
                raise VoiceFormatError(
                    f"metadata {key!r}: empty list has no type; use add_i64_array/add_str_array")
            if all(_is_int(v) for v in items):
                self.add_i64_array(key, items)
            elif all(isinstance(v, str) for v in items):
                self.add_str_array(key, items)
            else:
                raise VoiceFormatError(f"metadata {key!r}: lists must be all int or all str")
        else:
            raise VoiceFormatError(f"metadata {key!r}: unsupported type {type(value).__name__}")

    # ---- tensors -------------------------------------------------------------------------

    def _put_tensor(self, name, dtype, dims, payload):
        _check_name("tensor name", name)
        if name in self._tensors:
            raise VoiceFormatError(f"tensor {name!r} added twice")
        if not 1 <= len(dims) <= MAX_DIMS or any(d < 1 for d in dims):
            raise VoiceFormatError(f"tensor {name!r}: shape {tuple(dims)} must have 1..4 dims > 0")
        self._tensors[name] = (dtype, tuple(int(d) for d in dims), payload)

    def add_tensor_f32(self, name, array):
        a = np.asarray(array, dtype="<f4")
        # Shape first: ascontiguousarray would turn a 0-d scalar into shape (1,).
        self._put_tensor(name, DT_F32, a.shape, np.ascontiguousarray(a).tobytes())

    def add_tensor_f16(self, name, array):
        a = np.asarray(array, dtype=np.float64)
        if np.any(np.abs(a[np.isfinite(a)]) > 65504.0):
            raise VoiceFormatError(f"tensor {name!r}: values exceed the f16 range")
        a = a.astype("<f2")
        self._put_tensor(name, DT_F16, a.shape, np.ascontiguousarray(a).tobytes())

    def add_tensor_i8(self, name, rows_padded, dims):
        """Raw int8 weight: rows_padded is [O, i8_row_stride(K*I)] as quantize_rows returns
        it, dims is (O, K, I)."""
        o, k, i = (int(d) for d in dims)
        rows = np.ascontiguousarray(np.asarray(rows_padded, dtype=np.int8))
        if rows.shape != (o, i8_row_stride(k * i)):
            raise VoiceFormatError(
                f"tensor {name!r}: int8 rows {rows.shape}, expected {(o, i8_row_stride(k * i))}")
        if np.any(rows == -128):
            raise VoiceFormatError(f"tensor {name!r}: int8 value -128 is not allowed")
        self._put_tensor(name, DT_I8, (o, k, i), rows.tobytes())

    def add_linear(self, name, weight_oki, bias=None, int8=False):
        """Adds layer `name`: name.weight [O, K, I] (f32, or int8 + name.scale [O]) and
        name.bias f32 [O] (zeros when bias is None). A 2-D weight [O, I] means K = 1."""
        w = np.asarray(weight_oki, dtype=np.float32)
        if w.ndim == 2:
            w = w[:, None, :]
        if w.ndim != 3:
            raise VoiceFormatError(f"layer {name!r}: weight must be [O, K, I], got {w.shape}")
        o, k, i = w.shape
        b = np.zeros(o, dtype=np.float32) if bias is None else np.asarray(bias, np.float32)
        if b.shape != (o,):
            raise VoiceFormatError(f"layer {name!r}: bias shape {b.shape}, expected ({o},)")
        if int8:
            q, scale = quantize_rows(w.reshape(o, k * i))
            self.add_tensor_i8(name + ".weight", q, (o, k, i))
            self.add_tensor_f32(name + ".scale", scale)
        else:
            self.add_tensor_f32(name + ".weight", w)
        self.add_tensor_f32(name + ".bias", b)

    # ---- output --------------------------------------------------------------------------

    def to_bytes(self):
        """The whole file image."""
        table = []
        for key, (vtype, payload) in self._meta.items():
            raw = key.encode("utf-8")
            table.append(struct.pack("<I", len(raw)) + raw + struct.pack("<I", vtype) + payload)
        offset = 0
        placed = []
        for name, (dtype, dims, payload) in self._tensors.items():
            raw = name.encode("utf-8")
            offset = round_up(offset)
            table.append(struct.pack("<I", len(raw)) + raw + struct.pack("<II", dtype, len(dims))
                         + struct.pack(f"<{len(dims)}Q", *dims)
                         + struct.pack("<QQ", offset, len(payload)))
            placed.append((offset, payload))
            offset += len(payload)
        table = b"".join(table)
        data_offset = round_up(HEADER_SIZE + len(table))
        data = bytearray(offset)
        for off, payload in placed:
            data[off:off + len(payload)] = payload
        header = MAGIC + struct.pack("<IIQQQQ", VERSION, 0, len(self._meta), len(self._tensors),
                                     data_offset, len(data))
        pad = bytes(data_offset - HEADER_SIZE - len(table))
        return header + table + pad + bytes(data)

    def write(self, path):
        """Writes atomically: a reader never sees a half-written voice under `path`."""
        image = self.to_bytes()
        tmp = os.fspath(path) + ".tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(image)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


# ---- reading -------------------------------------------------------------------------------


class _Cursor:
    def __init__(self, buf, pos, end):
        self.buf, self.pos, self.end = buf, pos, end

    def take(self, n, what):
        if n > self.end - self.pos:
            raise VoiceFormatError(f"truncated: {what} at byte {self.pos} needs {n} bytes")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt, what):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))

    def text(self, n, what):
        raw = bytes(self.take(n, what))
        if b"\0" in raw:
            raise VoiceFormatError(f"{what} contains a NUL byte")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise VoiceFormatError(f"{what} is not UTF-8: {e}") from None


def _read_meta_value(cur, key, vtype):
    what = f"metadata {key!r}"
    if vtype == T_I64:
        return cur.unpack("<q", what)[0]
    if vtype == T_F64:
        return cur.unpack("<d", what)[0]
    if vtype == T_STR:
        (n,) = cur.unpack("<Q", what)
        if n > MAX_STR_LEN:
            raise VoiceFormatError(f"{what}: string of {n} bytes")
        return cur.text(n, what)
    if vtype == T_I64_ARRAY:
        (n,) = cur.unpack("<Q", what)
        if n > MAX_ARRAY_COUNT:
            raise VoiceFormatError(f"{what}: array of {n} items")
        return list(cur.unpack(f"<{n}q", what))
    if vtype == T_STR_ARRAY:
        (n,) = cur.unpack("<Q", what)
        if n > MAX_ARRAY_COUNT:
            raise VoiceFormatError(f"{what}: array of {n} items")
        out = []
        for _ in range(n):
            (length,) = cur.unpack("<I", what)
            if length > MAX_ARRAY_STR_LEN:
                raise VoiceFormatError(f"{what}: item of {length} bytes")
            out.append(cur.text(length, what))
        return out
    raise VoiceFormatError(f"{what}: unknown type {vtype}")


def _expected_nbytes(dtype, dims):
    count = int(np.prod(dims, dtype=object))
    if dtype == DT_F32:
        return 4 * count
    if dtype == DT_F16:
        return 2 * count
    return dims[0] * i8_row_stride(dims[1] * dims[2])


def parse_voice(buf):
    """(meta, tensors) from a file image; see read_voice."""
    buf = memoryview(buf).cast("B")
    if len(buf) < HEADER_SIZE or bytes(buf[:8]) != MAGIC:
        raise VoiceFormatError("not a Myna voice file (bad magic or shorter than the header)")
    version, flags, n_meta, n_tensors, data_offset, data_size = struct.unpack_from(
        "<IIQQQQ", buf, 8)
    if version != VERSION:
        raise VoiceFormatError(f"unsupported voice format version {version}")
    if flags != 0:
        raise VoiceFormatError(f"unknown flags 0x{flags:x}")
    if data_offset % ALIGN or data_offset > len(buf) or data_offset + data_size != len(buf):
        raise VoiceFormatError(
            f"data section [{data_offset}, +{data_size}) does not end the {len(buf)}-byte file")
    cur = _Cursor(buf, HEADER_SIZE, data_offset)
    meta = {}
    for _ in range(n_meta):
        (klen,) = cur.unpack("<I", "metadata key length")
        if not 1 <= klen <= MAX_KEY_LEN:
            raise VoiceFormatError(f"metadata key length {klen}")
        key = cur.text(klen, "metadata key")
        (vtype,) = cur.unpack("<I", f"metadata {key!r} type")
        if key in meta:
            raise VoiceFormatError(f"duplicate metadata key {key!r}")
        meta[key] = _read_meta_value(cur, key, vtype)
    tensors = {}
    spans = []
    data = buf[data_offset:]
    for _ in range(n_tensors):
        (nlen,) = cur.unpack("<I", "tensor name length")
        if not 1 <= nlen <= MAX_KEY_LEN:
            raise VoiceFormatError(f"tensor name length {nlen}")
        name = cur.text(nlen, "tensor name")
        dtype, n_dims = cur.unpack("<II", f"tensor {name!r}")
        if dtype not in DTYPE_NAMES or not 1 <= n_dims <= MAX_DIMS:
            raise VoiceFormatError(f"tensor {name!r}: dtype {dtype}, {n_dims} dims")
        dims = cur.unpack(f"<{n_dims}Q", f"tensor {name!r} dims")
        offset, nbytes = cur.unpack("<QQ", f"tensor {name!r}")
        if name in tensors:
            raise VoiceFormatError(f"duplicate tensor name {name!r}")
        if any(d < 1 for d in dims) or (dtype == DT_I8 and n_dims != 3):
            raise VoiceFormatError(f"tensor {name!r}: bad shape {dims}")
        if nbytes != _expected_nbytes(dtype, dims):
            raise VoiceFormatError(f"tensor {name!r}: {nbytes} bytes does not match its shape")
        if offset % ALIGN or offset + nbytes > data_size:
            raise VoiceFormatError(f"tensor {name!r}: bad offset {offset}")
        raw = data[offset:offset + nbytes]
        if dtype == DT_F32:
            arr = np.frombuffer(raw, dtype="<f4").reshape(dims).astype(np.float32)
        elif dtype == DT_F16:
            arr = np.frombuffer(raw, dtype="<f2").reshape(dims).astype(np.float16)
        else:
            o, k, i = dims
            rows = np.frombuffer(raw, dtype=np.int8).reshape(o, i8_row_stride(k * i))
            arr = rows[:, :k * i].reshape(o, k, i).copy()
        tensors[name] = arr
        spans.append((offset, offset + nbytes, name))
    spans.sort()
    for (_, end_a, a), (start_b, _, b) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise VoiceFormatError(f"tensors {a!r} and {b!r} overlap")
    return meta, tensors


def read_voice(path):
    """Reads and validates a voice file.

    Returns (meta, tensors): meta maps key -> int | float | str | list[int] | list[str];
    tensors maps name -> numpy array (f32 -> float32, f16 -> float16, int8 -> raw int8
    [O, K, I] without row padding; use dequantize(tensors, layer) for real weights).
    """
    with open(path, "rb") as f:
        return parse_voice(f.read())
