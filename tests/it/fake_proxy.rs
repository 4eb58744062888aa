//! Fake forward proxies for the kubeconfig `proxy-url` tests: HTTP CONNECT and SOCKS5 (no
//! authentication, RFC 1928), std threads, piping bytes both ways once the tunnel is open.
//! Host names are resolved by the proxy from its own table (so a name the client cannot
//! resolve, like `kube.internal`, proves that the proxy resolved it). Every target asked
//! for is recorded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Connect,
    Socks5,
}

pub struct FakeProxy {
    addr: SocketAddr,
    protocol: Protocol,
    asked: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    /// A proxy that resolves the names of `hosts` itself (other targets: as IP addresses).
    pub fn start(protocol: Protocol, hosts: HashMap<String, Ipv4Addr>) -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let hosts = Arc::new(hosts);
        {
            let asked = asked.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let (asked, hosts) = (asked.clone(), hosts.clone());
                    std::thread::spawn(move || {
                        let _ = tunnel(stream, protocol, &hosts, &asked);
                    });
                }
            });
        }
        FakeProxy {
            addr,
            protocol,
            asked,
        }
    }

    /// The kubeconfig's `proxy-url` for this proxy.
    pub fn url(&self) -> String {
        match self.protocol {
            Protocol::Connect => format!("http://{}", self.addr),
            Protocol::Socks5 => format!("socks5://{}", self.addr),
        }
    }

    /// Every `host:port` a client asked to reach, as it asked.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

fn tunnel(
    mut client: TcpStream,
    protocol: Protocol,
    hosts: &HashMap<String, Ipv4Addr>,
    asked: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let (host, port) = match protocol {
        Protocol::Connect => connect_request(&mut client)?,
        Protocol::Socks5 => socks5_request(&mut client)?,
    };
    if let Ok(mut asked) = asked.lock() {
        asked.push(format!("{host}:{port}"));
    }
    let ip = match hosts.get(&host) {
        Some(ip) => *ip,
        None => host.parse().unwrap_or(Ipv4Addr::UNSPECIFIED),
    };
    let upstream = TcpStream::connect((ip, port));
    let ok = upstream.is_ok();
    match protocol {
        Protocol::Connect if ok => {
            client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?
        }
        Protocol::Connect => client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")?,
        // Succeeded (0) or host unreachable (4), bound address 0.0.0.0:0.
        Protocol::Socks5 => {
            client.write_all(&[5, if ok { 0 } else { 4 }, 0, 1, 0, 0, 0, 0, 0, 0])?
        }
    }
    let upstream = upstream?;
    let (mut up_read, mut client_write) = (upstream.try_clone()?, client.try_clone()?);
    let forward = std::thread::spawn(move || std::io::copy(&mut up_read, &mut client_write));
    let (mut client_read, mut up_write) = (client, upstream);
    let _ = std::io::copy(&mut client_read, &mut up_write);
    let _ = up_write.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

/// `CONNECT host:port HTTP/1.1` and its headers.
fn connect_request(client: &mut TcpStream) -> std::io::Result<(String, u16)> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = line
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default();
    let (host, port) = target.rsplit_once(':').unwrap_or((target, "443"));
    Ok((host.to_string(), port.parse().unwrap_or(443)))
}

/// The SOCKS5 greeting (no authentication) and a CONNECT request.
fn socks5_request(client: &mut TcpStream) -> std::io::Result<(String, u16)> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head)?;
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods)?;
    client.write_all(&[5, 0])?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request)?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip)?;
            Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut length = [0u8; 1];
            client.read_exact(&mut length)?;
            let mut name = vec![0u8; usize::from(length[0])];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        other => return Err(std::io::Error::other(format!("address type {other}"))),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    Ok((host, u16::from_be_bytes(port)))
}
