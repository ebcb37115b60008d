package lettergen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// ErrNoPdftoppm is returned by Scan when poppler's pdftoppm is not installed.
var ErrNoPdftoppm = errors.New("lettergen: pdftoppm is missing (install poppler-utils)")

// ScanDPI is the resolution pages are rendered at, a common office-scanner setting.
const ScanDPI = 200

// Scan turns a PDF into a scanned copy: each page is rendered to an image with
// `pdftoppm -r 200`, turned slightly (as paper on a scanner glass is) and given mild noise,
// then wrapped back into a PDF that holds only images, so the text can only be had by OCR.
// The seed fixes the skew and the noise.
func Scan(ctx context.Context, pdf []byte, seed uint64) ([]byte, error) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPdftoppm
	}
	dir, err := os.MkdirTemp("", "lettergen-scan-")
	if err != nil {
		return nil, fmt.Errorf("lettergen: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("lettergen: %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, "-r", fmt.Sprint(ScanDPI), "-gray", "-png", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("lettergen: pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	sort.Strings(pages)
	if len(pages) == 0 {
		return nil, fmt.Errorf("lettergen: pdftoppm rendered no pages")
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ca11ed))
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCreationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	doc.SetModificationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	doc.SetAutoPageBreak(false, 0)
	for i, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("lettergen: %w", err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("lettergen: reading a rendered page: %w", err)
		}
		angle := (rng.Float64()*2 - 1) * 0.7 * math.Pi / 180 // up to ±0.7°
		scanned := degrade(img, angle, rng)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, scanned, &jpeg.Options{Quality: 82}); err != nil {
			return nil, fmt.Errorf("lettergen: %w", err)
		}
		name := fmt.Sprintf("p%d", i)
		doc.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, &buf)
		doc.AddPage()
		doc.ImageOptions(name, 0, 0, pageW, pageH, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	var out bytes.Buffer
	if err := doc.Output(&out); err != nil {
		return nil, fmt.Errorf("lettergen: writing the scanned PDF: %w", err)
	}
	return out.Bytes(), nil
}

// degrade rotates img by angle (radians) around its centre with bilinear sampling, greys the
// white paper a little and adds noise and a few specks.
func degrade(img image.Image, angle float64, rng *rand.Rand) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			src.Pix[y*src.Stride+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	dst := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sin(angle), math.Cos(angle)
	cx, cy := float64(w)/2, float64(h)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(src.Pix[y*src.Stride+x])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// the source point that lands on (x, y)
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := cos*dx + sin*dy + cx
			sy := -sin*dx + cos*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
			v = v*0.92 + 8 + rng.NormFloat64()*9 // greyish paper, sensor noise
			dst.Pix[y*dst.Stride+x] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	for k := 0; k < w*h/4000; k++ { // dust
		x, y := rng.IntN(w-2), rng.IntN(h-2)
		dst.Pix[y*dst.Stride+x] = uint8(rng.IntN(90))
	}
	return dst
}
