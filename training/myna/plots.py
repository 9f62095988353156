"""PNG plots for looking at training data and results (PIL only; no matplotlib in Debian's
minimal set): log-mel spectrograms, optionally with symbol boundaries, and loss curves."""
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core: IPA glyphs


def _font(size=11):
    try:
        return ImageFont.truetype(DEJAVU, size)
    except OSError:
        return ImageFont.load_default()


def _colour(v):
    """[0,1] -> RGB, dark blue to yellow (perceptually ordered enough to read formants)."""
    r = np.clip(1.5 * v - 0.3, 0, 1)
    g = np.clip(1.2 * v, 0, 1) ** 1.2
    b = np.clip(0.6 - v, 0, 0.6) + 0.2 * v
    return (np.stack([r, g, b], -1) * 255).astype(np.uint8)


def mel_image(mel, scale=3, lo=None, hi=None):
    """mel [T][n_mels] natural log -> PIL image, low bands at the bottom, `scale` px per bin."""
    lo = mel.max() - 8.0 if lo is None else lo  # 8 nepers ~ 70 dB of range
    hi = mel.max() if hi is None else hi
    v = np.clip((mel.T[::-1] - lo) / max(hi - lo, 1e-6), 0, 1)
    img = Image.fromarray(_colour(v))
    return img.resize((mel.shape[0] * 2, mel.shape[1] * scale), Image.NEAREST)


def save_alignment(path, mel, symbols, frames, title=""):
    """Spectrogram with a line at every symbol boundary and the symbol above its span."""
    img = mel_image(mel)
    top = 34
    canvas = Image.new("RGB", (img.width, img.height + top), "white")
    canvas.paste(img, (0, top))
    draw = ImageDraw.Draw(canvas)
    font = _font()
    draw.text((2, 0), title, fill="black", font=font)
    x = 0
    for i, (s, f) in enumerate(zip(symbols, frames)):
        if f == 0:
            continue
        x0, x = x, x + 2 * int(f)
        draw.line([(x0, top), (x0, canvas.height)], fill=(255, 255, 255), width=1)
        draw.text((x0 + 1, 12 + 10 * (i % 2)), s, fill="black", font=font)
    canvas.save(path)


def save_mels(path, mels, titles):
    """Several spectrograms stacked (e.g. target, prediction), same colour range."""
    hi = max(m.max() for m in mels)
    imgs = [mel_image(m, lo=hi - 8.0, hi=hi) for m in mels]
    w = max(i.width for i in imgs)
    canvas = Image.new("RGB", (w, sum(i.height + 14 for i in imgs)), "white")
    draw = ImageDraw.Draw(canvas)
    y = 0
    for img, t in zip(imgs, titles):
        draw.text((2, y), t, fill="black")
        canvas.paste(img, (0, y + 14))
        y += img.height + 14
    canvas.save(path)


def save_curves(path, curves, width=640, height=240):
    """curves: {name: [(step, value)]} -> line plot, log-ish y via the raw values' range."""
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    pts = [p for c in curves.values() for p in c]
    if not pts:
        canvas.save(path)
        return
    x_max = max(p[0] for p in pts) or 1
    y_lo, y_hi = min(p[1] for p in pts), max(p[1] for p in pts)
    colours = [(200, 30, 30), (30, 30, 200), (30, 150, 30), (150, 100, 0), (120, 0, 160)]
    for k, (name, c) in enumerate(curves.items()):
        col = colours[k % len(colours)]
        xy = [(int(s / x_max * (width - 10)) + 5,
               int((1 - (v - y_lo) / max(y_hi - y_lo, 1e-9)) * (height - 30)) + 20) for s, v in c]
        if len(xy) > 1:
            draw.line(xy, fill=col, width=1)
        draw.text((5 + 110 * k, 2), name, fill=col)
    draw.text((width - 150, height - 12), "%.3g..%.3g, %d steps" % (y_lo, y_hi, x_max),
              fill="black")
    canvas.save(path)
