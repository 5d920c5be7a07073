//! A stand-in for Apple's API host on 127.0.0.1, started by the test that needs it: it
//! answers HEAD, GET and POST with a chosen status, `Date` and body, and records what it
//! was asked (method, target, headers, body). It never reaches beyond loopback.
//!
//! Why there are two fakes: `scripts/fake-apple.py` serves the workflow and act jobs,
//! which run the released or installed binary with no Rust toolchain and no build step;
//! this one runs inside the test process, so each test starts its own on a free port,
//! sets its answers in Rust and reads back what it was asked, with nothing to install.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The `Date` header to send.
#[derive(Clone, Debug)]
pub enum Date {
    /// This machine's time plus this many seconds.
    Offset(i64),
    /// Exactly this text.
    Raw(&'static str),
}

/// How to answer one kind of request.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub date: Date,
    /// The body; [`ECHO`] and [`ECHO_CUT`] in it stand for the request's token.
    pub body: String,
}

/// In a body, the token the request carried (the bearer, or the form's or query's
/// `client_secret` or `client_assertion`), as a gateway or proxy page may echo it.
pub const ECHO: &str = "{the token}";

/// In a body, the token's characters 40 to 199: an echo cut at both ends.
pub const ECHO_CUT: &str = "{a cut of the token}";

impl Answer {
    pub fn new(status: u16, body: &str) -> Self {
        Answer {
            status,
            date: Date::Offset(0),
            body: body.to_owned(),
        }
    }
}

/// The Apple-shaped 401 body.
pub const NOT_AUTHORIZED: &str = r#"{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"Authentication credentials are missing or invalid.","detail":"Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens"}]}"#;

/// One request as the fake read it. Header names are lower-cased.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` or chunked), as text.
    pub body: String,
}

impl Request {
    /// Every value of the header `name`, in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The body read as an `application/x-www-form-urlencoded` form, fields in order.
    pub fn form(&self) -> Vec<(String, String)> {
        form_fields(&self.body)
    }

    /// The token it carried, if any: its bearer, or its form's or query's `client_secret`
    /// or `client_assertion`.
    pub fn token(&self) -> String {
        let bearer = self
            .header_values("authorization")
            .first()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::to_owned);
        let fields = self.form().into_iter().chain(self.query());
        bearer
            .into_iter()
            .chain(fields.filter_map(|(name, value)| {
                ["client_secret", "client_assertion"]
                    .contains(&name.as_str())
                    .then_some(value)
            }))
            .next()
            .unwrap_or_default()
    }

    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The target's query string read as a form, fields in order.
    pub fn query(&self) -> Vec<(String, String)> {
        form_fields(self.target.split_once('?').map_or("", |(_, q)| q))
    }
}

/// `a=1&b=2` as decoded pairs, in order.
fn form_fields(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// `+` and `%XX` decoded, as a form field is.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).expect("a form of UTF-8 text")
}

/// What the fake answers: HEAD always `head`; GET and POST the next of `others`, the
/// last one repeating.
#[derive(Clone, Debug)]
struct Script {
    head: Answer,
    others: Vec<Answer>,
}

pub struct FakeApple {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    dates: Arc<Mutex<Vec<i64>>>,
}

impl FakeApple {
    /// Answers HEAD with `head` and GET (and POST) with `get`.
    pub fn start(head: Answer, get: Answer) -> Self {
        Self::scripted(head, vec![get])
    }

    /// Answers HEAD with `head`, and the n-th GET or POST with `others[n]`, the last
    /// entry answering every later one.
    pub fn scripted(head: Answer, others: Vec<Answer>) -> Self {
        assert!(!others.is_empty(), "a script needs at least one answer");
        Self::spawn(Some(Script { head, others }))
    }

    /// Accepts connections and never answers.
    pub fn silent() -> Self {
        Self::spawn(None)
    }

    fn spawn(script: Option<Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let dates = Arc::new(Mutex::new(Vec::new()));
        let (log, sent) = (requests.clone(), dates.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                match &script {
                    None => held.push(stream), // keep it open, say nothing
                    Some(script) => {
                        let (script, log, sent) = (script.clone(), log.clone(), sent.clone());
                        std::thread::spawn(move || serve(stream, &script, &log, &sent));
                    }
                }
            }
        });
        FakeApple {
            url,
            requests,
            dates,
        }
    }

    /// `127.0.0.1:PORT`, as a client's `Host` header names it.
    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The Unix times sent in `Date` headers, in order.
    pub fn dates_sent(&self) -> Vec<i64> {
        self.dates.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, script: &Script, log: &Mutex<Vec<Request>>, sent: &Mutex<Vec<i64>>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
        );
        let headers = read_headers(&mut reader);
        let mut request = Request {
            method,
            target,
            headers,
            body: String::new(),
        };
        request.body = read_body(&mut reader, &request);
        let is_head = request.method == "HEAD";
        let token = request.token();
        let answer = {
            let mut log = log.lock().unwrap();
            let earlier = log.iter().filter(|r| r.method != "HEAD").count();
            log.push(request);
            match is_head {
                true => &script.head,
                false => &script.others[earlier.min(script.others.len() - 1)],
            }
        };
        let date = match &answer.date {
            Date::Offset(offset) => {
                let unix = now() + offset;
                sent.lock().unwrap().push(unix);
                http_date(unix)
            }
            Date::Raw(text) => text.to_string(),
        };
        let cut: String = token.chars().skip(40).take(160).collect();
        let body = answer.body.replace(ECHO, &token).replace(ECHO_CUT, &cut);
        let mut response = format!(
            "HTTP/1.1 {} Answer\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.status,
            body.len()
        );
        if !is_head {
            response += &body;
        }
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn read_headers(reader: &mut impl BufRead) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            return headers;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
}

/// The body by `Content-Length`, or chunk by chunk; none when neither is sent.
fn read_body(reader: &mut impl BufRead, request: &Request) -> String {
    let mut body = Vec::new();
    if let Some(length) = request.header_values("content-length").first() {
        body.resize(length.parse().unwrap(), 0);
        reader.read_exact(&mut body).unwrap();
    } else if request
        .header_values("transfer-encoding")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; size + 2]; // the chunk and its CRLF
            reader.read_exact(&mut chunk).unwrap();
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    String::from_utf8(body).unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// IMF-fixdate, built from the library's RFC 3339 (whose parser is tested on its own).
fn http_date(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let text = asc_jwt::mint::time::rfc3339(unix);
    let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
    let month = MONTHS[m.parse::<usize>().unwrap() - 1];
    let weekday = DAYS[unix.div_euclid(86_400).rem_euclid(7) as usize];
    format!("{weekday}, {d} {month} {y} {} GMT", &text[11..19])
}
