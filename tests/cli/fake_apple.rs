//! A stand-in for Apple's API host on 127.0.0.1, started by the test that needs it: it
//! answers HEAD and GET with a chosen status, `Date` and body, and records what it was
//! asked. It never reaches beyond loopback.
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
    pub body: String,
}

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

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

pub struct FakeApple {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    dates: Arc<Mutex<Vec<i64>>>,
}

impl FakeApple {
    /// Answers HEAD with `head` and GET with `get`.
    pub fn start(head: Answer, get: Answer) -> Self {
        Self::spawn(Some((head, get)))
    }

    /// Accepts connections and never answers.
    pub fn silent() -> Self {
        Self::spawn(None)
    }

    fn spawn(answers: Option<(Answer, Answer)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let dates = Arc::new(Mutex::new(Vec::new()));
        let (log, sent) = (requests.clone(), dates.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                match &answers {
                    None => held.push(stream), // keep it open, say nothing
                    Some(answers) => {
                        let (answers, log, sent) = (answers.clone(), log.clone(), sent.clone());
                        std::thread::spawn(move || serve(stream, &answers, &log, &sent));
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

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The Unix times sent in `Date` headers, in order.
    pub fn dates_sent(&self) -> Vec<i64> {
        self.dates.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    (head, get): &(Answer, Answer),
    log: &Mutex<Vec<Request>>,
    sent: &Mutex<Vec<i64>>,
) {
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
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let is_head = method == "HEAD";
        log.lock().unwrap().push(Request {
            method,
            target,
            headers,
        });
        let answer = if is_head { head } else { get };
        let date = match &answer.date {
            Date::Offset(offset) => {
                let unix = now() + offset;
                sent.lock().unwrap().push(unix);
                http_date(unix)
            }
            Date::Raw(text) => text.to_string(),
        };
        let mut response = format!(
            "HTTP/1.1 {} Answer\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.status,
            answer.body.len()
        );
        if !is_head {
            response += &answer.body;
        }
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
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
    let text = asc_jwt::time::rfc3339(unix);
    let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
    let month = MONTHS[m.parse::<usize>().unwrap() - 1];
    let weekday = DAYS[unix.div_euclid(86_400).rem_euclid(7) as usize];
    format!("{weekday}, {d} {month} {y} {} GMT", &text[11..19])
}
