"""Python writer -> C reader round trip.

Writes a voice with every metadata type and f32 / f16 / int8 tensors using
training/myna/voicefile.py, reads it back with the C reader (voice_dump, path in argv[1]) and
with read_voice, and checks both against the values that went in. Exits non-zero on any
mismatch.
"""

import math
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "training"))
from myna.voicefile import (  # noqa: E402
    VoiceFormatError, VoiceWriter, dequantize, i8_row_stride, quantize_rows, read_voice)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def build(path):
    rng = np.random.default_rng(7)
    w = VoiceWriter()
    meta = {
        "general.name": "Round trip \u00e9\u0259 \U0001F426",
        "general.model_card": "# Card\n\n" + "x" * 5000,
        "general.empty": "",
        "audio.sample_rate": 22050,
        "limits.min": -(1 << 63),
        "limits.max": (1 << 63) - 1,
        "mel.fmax": 8000.0,
        "mel.log_floor": 1e-5,
        "tiny": 5e-324,
        "neg.zero": -0.0,
        "huge": float("inf"),
        "vocoder.dilations": [1, 2, 4, 8, -(1 << 63)],
        "phonemes.symbols": ["_", "^", "$", "\u0259", "a\u02d0", ""],
    }
    for k, v in meta.items():
        w.add_meta(k, v)
    w.add_f64("as.float", 3)  # explicit type beats the Python type
    meta["as.float"] = 3.0
    w.add_i64_array("empty.ints", [])
    meta["empty.ints"] = []
    w.add_str_array("empty.strs", [])
    meta["empty.strs"] = []

    tensors = {}
    tensors["mel.filterbank"] = rng.standard_normal((4, 9)).astype(np.float32)
    w.add_tensor_f32("mel.filterbank", tensors["mel.filterbank"])
    tensors["four.d"] = rng.standard_normal((2, 1, 3, 2)).astype(np.float32)
    w.add_tensor_f32("four.d", tensors["four.d"])
    tensors["half"] = (rng.standard_normal((3, 5)) * 100).astype(np.float16)
    w.add_tensor_f16("half", tensors["half"])

    layers = {}
    # conv with K*I not a multiple of 64 (row padding), a zero row, and a linear layer
    conv = rng.standard_normal((5, 3, 7)).astype(np.float32)
    conv[2] = 0
    layers["ac.enc.conv0"] = (conv, rng.standard_normal(5).astype(np.float32), True)
    layers["voc.post1"] = (rng.standard_normal((6, 1, 64)).astype(np.float32), None, True)
    layers["ac.dur.out"] = (rng.standard_normal((1, 1, 10)).astype(np.float32), None, False)
    for name, (wt, b, q) in layers.items():
        w.add_linear(name, wt, b, int8=q)
    w.write(path)
    return meta, tensors, layers


def parse_dump(text):
    meta, tensors, pads, deq = {}, {}, {}, {}
    for line in text.splitlines():
        f = line.split(" ")
        if f[0] == "meta":
            key, kind = f[1], f[2]
            if kind == "i64":
                meta[key] = int(f[3])
            elif kind == "f64":
                meta[key] = float(f[3])
            elif kind == "str":
                meta[key] = "" if f[3] == "-" else bytes.fromhex(f[3]).decode("utf-8")
            elif kind == "i64s":
                meta[key] = [int(x) for x in f[4:]]
                check(len(meta[key]) == int(f[3]), f"{key}: count")
            elif kind == "strs":
                meta[key] = ["" if x == "-" else bytes.fromhex(x).decode("utf-8") for x in f[4:]]
                check(len(meta[key]) == int(f[3]), f"{key}: count")
        elif f[0] == "tensor":
            name, dtype, nd = f[1], f[2], int(f[3])
            dims = tuple(int(x) for x in f[4:4 + nd])
            nbytes, aligned = int(f[4 + nd]), f[5 + nd] == "1"
            # f32 and f16 values print exactly with %.9g; compare them as float32
            values = np.array([float(x) for x in f[6 + nd:]]).astype(np.float32)
            tensors[name] = (dtype, dims, nbytes, aligned, values)
        elif f[0] == "pad":
            pads[f[1]] = f[2] == "1"
        elif f[0] == "deq":
            deq[f[1]] = np.array([float(x) for x in f[2:]])
    return meta, tensors, pads, deq


def same_meta(a, b):
    if isinstance(a, float):
        return isinstance(b, float) and (a == b and math.copysign(1, a) == math.copysign(1, b))
    return type(a) is type(b) and a == b


def main():
    dump = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rt.myna")
        meta, tensors, layers = build(path)
        check(not os.path.exists(path + ".tmp"), "temporary file left behind")
        out = subprocess.run([dump, path], capture_output=True, text=True)
        check(out.returncode == 0, f"voice_dump failed: {out.stderr}")
        c_meta, c_tensors, c_pads, c_deq = parse_dump(out.stdout)
        py_meta, py_tensors = read_voice(path)

        check(list(c_meta) == list(meta), f"metadata keys/order: {list(c_meta)}")
        for k, v in meta.items():
            check(same_meta(c_meta.get(k), v), f"C meta {k}: {c_meta.get(k)!r} != {v!r}")
            check(same_meta(py_meta.get(k), v), f"Python meta {k}: {py_meta.get(k)!r} != {v!r}")

        for name, arr in tensors.items():
            dtype, dims, nbytes, aligned, values = c_tensors[name]
            want = "f32" if arr.dtype == np.float32 else "f16"
            check(dtype == want and dims == arr.shape, f"{name}: {dtype} {dims}")
            check(nbytes == arr.nbytes and aligned, f"{name}: nbytes {nbytes}, aligned {aligned}")
            check(np.array_equal(values, arr.astype(np.float32).ravel()), f"{name}: values")
            check(np.array_equal(py_tensors[name], arr), f"{name}: read_voice values")

        for name, (wt, b, q) in layers.items():
            o, k, i = wt.shape
            bias = np.zeros(o, np.float32) if b is None else b
            dtype, dims, nbytes, aligned, values = c_tensors[name + ".weight"]
            check(dims == (o, k, i) and aligned, f"{name}.weight dims {dims}")
            check(np.array_equal(c_tensors[name + ".bias"][4], bias), f"{name}.bias")
            if not q:
                check(dtype == "f32" and np.array_equal(values, wt.ravel()), f"{name} f32 weight")
                check(name + ".scale" not in c_tensors, f"{name}: f32 layer has a scale")
                continue
            check(dtype == "int8", f"{name}: dtype {dtype}")
            check(nbytes == o * i8_row_stride(k * i), f"{name}: nbytes {nbytes}")
            check(c_pads[name + ".weight"], f"{name}: row padding not zero")
            check(np.all(np.abs(values) <= 127), f"{name}: int8 outside [-127, 127]")
            scale = c_tensors[name + ".scale"][4]
            check(np.all(scale > 0), f"{name}: non-positive scale")
            qref, sref = quantize_rows(wt.reshape(o, -1))
            check(np.array_equal(values, qref[:, :k * i].ravel()), f"{name}: int8 values")
            check(np.array_equal(scale, sref), f"{name}: scales")
            err = np.abs(c_deq[name + ".weight"].reshape(o, -1) - wt.reshape(o, -1))
            tol = scale[:, None] / 2 * (1 + 1e-5) + 1e-30
            check(np.all(err <= tol), f"{name}: dequantised error {err.max()} > scale/2")
            py_err = np.abs(dequantize(py_tensors, name) - wt)
            check(np.all(py_err.reshape(o, -1) <= tol), f"{name}: Python dequantise error")
            if np.any(np.all(wt.reshape(o, -1) == 0, axis=1)):
                zero_rows = np.all(wt.reshape(o, -1) == 0, axis=1)
                check(np.all(c_deq[name + ".weight"].reshape(o, -1)[zero_rows] == 0),
                      f"{name}: zero row not exactly zero")

        desc = subprocess.run([dump, path, "--describe"], capture_output=True, text=True).stdout
        for needle in ("general.name", "ac.enc.conv0.weight", "int8", "[5, 3, 7]",
                       '"# Card"... (5008 bytes)', "tensors"):
            check(needle in desc, f"describe lacks {needle!r}")

        # The writer refuses what the reader would reject.
        w = VoiceWriter()
        w.add_meta("k", 1)
        for bad in (lambda: w.add_meta("k", 2), lambda: w.add_meta("", 1),
                    lambda: w.add_meta("x" * 256, 1), lambda: w.add_meta("n\0", 1),
                    lambda: w.add_meta("e", []), lambda: w.add_meta("b", True),
                    lambda: w.add_meta("m", [1, "a"]), lambda: w.add_str("s", "a\0b"),
                    lambda: w.add_tensor_f32("t", np.zeros((0, 3))),
                    lambda: w.add_tensor_f32("s", np.float32(1.0)),
                    lambda: w.add_tensor_f32("f", np.zeros((1, 1, 1, 1, 1))),
                    lambda: w.add_linear("l", np.zeros((2, 3)), np.zeros(3))):
            try:
                bad()
                check(False, "writer accepted an invalid value")
            except VoiceFormatError:
                pass
        q, s = quantize_rows(np.array([[1.0, -1.0, 0.5], [0.0, 0.0, 0.0]]))
        check(q.shape == (2, 64) and q[0, 0] == 127 and q[0, 1] == -127 and q[0, 2] in (63, 64),
              f"quantize_rows: {q[:, :3]}")
        check(np.all(q[:, 3:] == 0) and s[1] > 0 and np.all(q[1] == 0), "quantize_rows zero row")

    if failures:
        print(f"roundtrip: {len(failures)} failures", file=sys.stderr)
        return 1
    print("roundtrip: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
