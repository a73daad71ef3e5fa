//! A small blocking WebDriver client for the browser tests: chromedriver on a free
//! loopback port, one headless Chromium session with a fresh profile, and the dozen
//! commands the tests use, as plain HTTP/1.1 over `std::net`.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The W3C key for an element reference in WebDriver JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process with one browser session; ended (session deleted, process
/// killed, profile removed) when dropped, also when a test panics.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

/// An element reference.
#[derive(Clone, Debug)]
pub struct El(String);

impl El {
    /// The reference as WebDriver JSON, for an action's `origin`.
    pub fn origin(&self) -> Value {
        json!({ ELEMENT: self.0 })
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    l.local_addr().expect("its address").port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. Panics (the test fails)
    /// when either is missing: `scripts/test.sh` installs them.
    pub fn start() -> Browser {
        let port = free_port();
        let mut driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (Debian `chromium-driver`; scripts/test.sh installs it)");
        // chromedriver says when it listens; reading that line is the wait.
        let stdout = driver.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("started successfully") => break,
                Some(Ok(_)) => continue,
                _ => {
                    let _ = driver.kill();
                    panic!("chromedriver exited before it started listening");
                }
            }
        }
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let profile = std::env::temp_dir().join(format!(
            "ecograph-report-chromium-{}-{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("a fresh profile directory");
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
            profile,
        };
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("chromium must be installed (Debian `chromium`; scripts/test.sh installs it)");
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "unhandledPromptBehavior": "ignore",
                "timeouts": { "script": 20000, "pageLoad": 30000, "implicit": 5000 },
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1280,900",
                        format!("--user-data-dir={}", b.profile.display()),
                    ]
                }
            }}
        });
        let v = b.http("POST", "/session", Some(&caps));
        b.session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        b
    }

    fn http(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to chromedriver");
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes()).expect("send to chromedriver");
        // Bounded: a driver that stops answering fails the test instead of hanging it.
        s.set_read_timeout(Some(std::time::Duration::from_secs(120)))
            .expect("a read timeout");
        let payload = read_response(&mut s);
        serde_json::from_slice(&payload).unwrap_or_else(|e| {
            panic!(
                "chromedriver answered {method} {path} with non-JSON ({e}): {}",
                String::from_utf8_lossy(&payload)
            )
        })
    }

    /// A session command; panics with the driver's message when it fails.
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.try_cmd(method, path, body);
        if let Some(err) = v.get("error") {
            panic!("{method} {path}: {err}: {}", v["message"]);
        }
        v
    }

    /// A session command's `value`, or its `error` and `message` as they came.
    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        let v = self.http(method, &path, body.as_ref());
        v["value"].clone()
    }

    /// Opens a URL and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// History back.
    pub fn back(&self) {
        self.cmd("POST", "/back", None);
    }

    /// The first element matching a CSS selector, waiting up to the implicit timeout.
    pub fn find(&self, css: &str) -> El {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        El(v[ELEMENT]
            .as_str()
            .expect("an element reference")
            .to_owned())
    }

    /// Every element matching a CSS selector now.
    pub fn find_all(&self, css: &str) -> Vec<El> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT].as_str().map(|s| El(s.to_owned())))
            .collect()
    }

    /// Clicks an element (scrolled into view first, as a user would).
    pub fn click(&self, el: &El) {
        self.cmd("POST", &format!("/element/{}/click", el.0), None);
    }

    /// Types into an element.
    pub fn type_into(&self, el: &El, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        );
    }

    /// An element's rendered text.
    pub fn text(&self, el: &El) -> String {
        self.cmd("GET", &format!("/element/{}/text", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An element's accessible name, as the browser computes it.
    pub fn accessible_name(&self, el: &El) -> String {
        self.cmd("GET", &format!("/element/{}/computedlabel", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs a script in the page (WebDriver evaluates it outside the page's CSP) and
    /// returns its value.
    pub fn eval(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Waits, in the browser, until the JavaScript expression `cond` is truthy, and
    /// returns its value; panics after the script timeout.
    pub fn wait_for(&self, cond: &str) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];\n\
             const check = () => {{ try {{ return ({cond}); }} catch (e) {{ return false; }} }};\n\
             (function poll() {{ const v = check(); if (v) done(v); else setTimeout(poll, 10); }})();"
        );
        let v = self.try_cmd(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        );
        if v.get("error").is_some() {
            let state = self.eval(
                "return location.hash + ' | ' + document.querySelector('main').innerText.slice(0, 300);",
                json!([]),
            );
            panic!("waited in vain for `{cond}`: {v}; page: {state}");
        }
        v
    }

    /// Presses and releases one key on whatever has the focus.
    pub fn press(&self, key: &str) {
        self.actions(json!([{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }
        ]}]));
    }

    /// Performs WebDriver input actions, then releases them.
    pub fn actions(&self, actions: Value) {
        self.cmd("POST", "/actions", Some(json!({ "actions": actions })));
        self.cmd("DELETE", "/actions", None);
    }

    /// The text of an open `alert`/`confirm`/`prompt`, if one is open.
    pub fn open_dialog(&self) -> Option<String> {
        let v = self.try_cmd("GET", "/alert/text", None);
        match v.get("error") {
            Some(_) => None,
            None => Some(v.as_str().unwrap_or_default().to_owned()),
        }
    }

    /// The browser console's entries since the last call (chromedriver's log).
    pub fn console(&self) -> Vec<Value> {
        self.cmd("POST", "/se/log", Some(json!({ "type": "browser" })))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let b64 = self.cmd("GET", "/screenshot", None);
        decode_base64(b64.as_str().expect("base64 PNG"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.http("DELETE", &format!("/session/{}", self.session), None)
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Reads one HTTP/1.1 response's body: `Content-Length` bytes, or chunks up to the
/// last one (chromedriver may keep the connection open, so reading to EOF could wait).
fn read_response(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).expect("read from chromedriver");
        assert!(n > 0, "chromedriver closed the connection mid-response");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let mut body = raw[head_end + 4..].to_vec();
    let length = head.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let complete = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = s.read(&mut buf).expect("read from chromedriver");
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if let Some(n) = length {
        body.truncate(n);
        body
    } else if chunked {
        dechunk(&body)
    } else {
        body
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&data[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
