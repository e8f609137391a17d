// Scanning the member card's QR code with the phone's camera on the check-in page
// (activities/detail.html). The browser's BarcodeDetector reads the code where it has one; other
// browsers read the frames with the jsQR decoder kept with the site (static/vendor/jsQR.js,
// fetched by `make setup` at a pinned version and checksum), loaded only when the camera starts.
// What is read goes through the scan form like a typed scan: static/js/checkin.js gives it its
// id, keeps it on the phone while the connection is down and sends it once. Without a camera (or
// where the browser refuses one: plain http outside localhost) the typed field stays the way in.

const form = document.getElementById("scan");
const startButton = document.getElementById("camera-start");
const box = document.getElementById("camera");
const video = document.getElementById("camera-video");
const stopButton = document.getElementById("camera-stop");
const status = document.getElementById("camera-status");
const input = document.getElementById("scan-card");

// Frames read per second at most: enough for a card held up, light on a phone's battery.
const FRAME_MS = 200;
// Frames are read at this width at most (a card's code stays readable; jsQR's work stays small).
const MAX_WIDTH = 640;

let stream = null;
let timer = null;
// The code read last while the camera runs: a card held in front of it is one scan, not one a
// frame (the next card, then this one again, is read again).
let last = "";
// The reader is made when the page opens, so that a phone that loses its connection after
// that still scans (the decoder is loaded while it can be).
let readerReady = null;

function say(name, extra) {
  status.textContent = (status.getAttribute(name) || "") + (extra ? " " + extra : "");
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    if (window.jsQR) { resolve(); return; }
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (window.jsQR ? resolve() : reject(new Error("no decoder")));
    script.onerror = () => reject(new Error("no decoder"));
    document.head.appendChild(script);
  });
}

// A function reading a QR code from a video, an image or a canvas: its text, or null.
export async function makeReader(decoderUrl) {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({formats: ["qr_code"]});
        return async (source) => {
          const codes = await detector.detect(source);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch (error) {
      // Fall through to the decoder kept with the site.
    }
  }
  await loadScript(decoderUrl);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", {willReadFrequently: true});
  return async (source) => {
    const width = source.videoWidth || source.naturalWidth || source.width;
    const height = source.videoHeight || source.naturalHeight || source.height;
    if (!width || !height) return null;
    const scale = Math.min(1, MAX_WIDTH / width);
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(pixels.data, canvas.width, canvas.height, {inversionAttempts: "attemptBoth"});
    return code && code.data ? code.data : null;
  };
}

function stop() {
  if (timer) clearTimeout(timer);
  timer = null;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  video.srcObject = null;
  box.hidden = true;
  startButton.hidden = false;
}

function read(text) {
  if (text === last) return;
  last = text;
  input.value = text;
  say("data-read-text", text.length > 40 ? "…" + text.slice(-12) : text);
  if (navigator.vibrate) navigator.vibrate(80);
  if (form.requestSubmit) form.requestSubmit();
  else form.dispatchEvent(new Event("submit", {cancelable: true}));
}

async function start() {
  startButton.hidden = true;
  last = "";
  say("data-starting-text");
  try {
    const reader = await readerReady;
    stream = await navigator.mediaDevices.getUserMedia({
      video: {facingMode: "environment", width: {ideal: 1280}, height: {ideal: 720}},
      audio: false,
    });
    video.srcObject = stream;
    box.hidden = false;
    await video.play();
    const tick = async () => {
      if (!stream) return;
      try {
        if (video.readyState >= 2) {
          const text = await reader(video);
          if (text) read(text.trim());
        }
      } catch (error) {
        // A frame that cannot be read: try the next one.
      }
      if (stream) timer = setTimeout(tick, FRAME_MS);
    };
    tick();
  } catch (error) {
    stop();
    startButton.hidden = true;
    say("data-failed-text");
  }
}

if (form && startButton && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.isSecureContext) {
  readerReady = makeReader(form.getAttribute("data-decoder"));
  readerReady.catch(() => {});
  startButton.hidden = false;
  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", stop);
}
