//! Building the routing tables: every usable listener's attached routes indexed by
//! hostname and path in precedence order (§7.4, §9), and each Gateway's refused routes, for
//! near misses.

use std::collections::{HashMap, HashSet};

use super::{Candidate, GatewayIndex, ListenerIndex, Refused, Router};
use crate::engine::Analysis;
use crate::engine::conditions::{ConditionStatus, ListenerId, ListenerOwner, Unknown};
use crate::engine::routing::matching::{CompiledRoute, Matcher, RegexDialect};
use crate::engine::routing::table::{HostTable, HostTableBuilder, PathKey};
use crate::engine::routing::{ListenerRef, NamespacedName};
use crate::model::{Gateway, Known, Listener, MatchFamily, Meta, World, positions_by_name};

/// A listener's tables while the router is built.
#[derive(Default)]
struct ListenerTables {
    http: HostTableBuilder<Candidate>,
    grpc: HostTableBuilder<Candidate>,
    l4: HostTableBuilder<Candidate>,
}

/// How ListenerSets and parentRefs find their Gateway, by name.
struct Links<'w> {
    world: &'w World,
    gateway_by_name: HashMap<(&'w str, &'w str), usize>,
    listener_set_by_name: HashMap<(&'w str, &'w str), usize>,
}

impl<'w> Links<'w> {
    fn new(world: &'w World) -> Self {
        Links {
            world,
            gateway_by_name: positions_by_name(&world.gateways),
            listener_set_by_name: positions_by_name(&world.listener_sets),
        }
    }
    /// The Gateway ListenerSet `set` names.
    fn set_gateway(&self, set: usize) -> Option<usize> {
        let parent = &self.world.listener_sets.get(set)?.parent_ref;
        self.gateway_by_name
            .get(&(parent.namespace.as_str(), parent.name.as_str()))
            .copied()
    }
    /// The Gateway of a listener's owner.
    fn owner_gateway(&self, owner: ListenerOwner) -> Option<usize> {
        match owner {
            ListenerOwner::Gateway(g) => Some(g),
            ListenerOwner::ListenerSet(s) => self.set_gateway(s),
        }
    }
}

impl<'a> Router<'a> {
    pub fn new(world: &'a World, analysis: &'a Analysis) -> Self {
        // Each Gateway's routes are evaluated in its data plane's dialect; the patterns
        // themselves are compiled once per dialect for the whole run.
        let mut dialects: Vec<RegexDialect> = Vec::new();
        let dialect_of: Vec<u32> = (0..world.gateways.len())
            .map(|g| {
                let dialect = (analysis.gateway_dialects.get(g))
                    .map_or_else(RegexDialect::default, |j| j.dialect);
                let slot = dialects
                    .iter()
                    .position(|d| *d == dialect)
                    .unwrap_or_else(|| {
                        dialects.push(dialect);
                        dialects.len() - 1
                    });
                slot as u32
            })
            .collect();
        // East-west requests are matched in the mesh's own dialect.
        let mesh_dialect = analysis.mesh.map(|mesh| {
            let dialect = mesh.dialect.dialect;
            dialects
                .iter()
                .position(|d| *d == dialect)
                .unwrap_or_else(|| {
                    dialects.push(dialect);
                    dialects.len() - 1
                }) as u32
        });
        if dialects.is_empty() {
            dialects.push(RegexDialect::default());
        }
        let compiled: Vec<Vec<CompiledRoute>> = (dialects.iter())
            .map(|dialect| {
                (world.routes.iter())
                    .map(|route| CompiledRoute::new(route, dialect))
                    .collect()
            })
            .collect();
        let links = Links::new(world);
        let usable = Usability {
            usable: analysis.usable_listeners.iter().copied().collect(),
            undecided: analysis
                .undecided_listeners
                .iter()
                .map(|(id, unknowns)| (*id, unknowns.as_slice()))
                .collect(),
        };
        let mut gateways: Vec<GatewayIndex> = (world.gateways.iter().enumerate())
            .map(|(gi, g)| gateway_index(&links, gi, g, &usable, &analysis.unhandled_listener_sets))
            .collect();
        let shapes = compiled.first().map_or(&[][..], Vec::as_slice);
        let tables = attached_tables(world, analysis, shapes, &gateways, &dialect_of);
        let refused = refused_tables(world, analysis, shapes, &links, &dialect_of);
        let rank = age_ranks(world);
        let rank_of = |c: &Candidate| rank.get(c.route as usize).copied().unwrap_or(usize::MAX);
        let matcher_of = |c: &Candidate| {
            compiled
                .get(c.dialect as usize)?
                .get(c.route as usize)
                .and_then(|r| r.matcher(c.rule as usize, c.matcher as usize))
        };
        let path_of = |c: &Candidate| matcher_of(c).map_or(PathKey::Unindexed, Matcher::path_key);
        for (g, (g_tables, g_refused)) in gateways.iter_mut().zip(tables.into_iter().zip(refused)) {
            for (l, t) in g.listeners.iter_mut().zip(g_tables) {
                // §7.4 and §9: the match's precedence, then the oldest route, then rule
                // and match order.
                let key = |c: &Candidate| {
                    let precedence = matcher_of(c).map(Matcher::precedence);
                    (precedence, rank_of(c), c.rule, c.matcher)
                };
                l.http = t.http.finish(key, path_of);
                l.grpc = t.grpc.finish(key, path_of);
                l.l4 = t.l4.finish(rank_of, |_| PathKey::Unindexed);
            }
            // Refusals keep the analysis' order: the first refused parentRef explains first.
            g.refused = g_refused.finish(
                |r| (r.refusal, r.candidate.rule, r.candidate.matcher),
                |r| path_of(&r.candidate),
            );
        }
        let gateway_by_name = gateways
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.clone(), i))
            .collect();
        Router {
            world,
            analysis,
            compiled,
            gateways,
            gateway_by_name,
            mesh_dialect,
        }
    }
}

/// Which listeners carry traffic, and which may, depending on objects the input lacks.
struct Usability<'a> {
    usable: HashSet<ListenerId>,
    undecided: HashMap<ListenerId, &'a [Unknown]>,
}

/// Each route's position in creation order (oldest first).
pub(super) fn age_ranks(world: &World) -> Vec<usize> {
    let mut by_age: Vec<usize> = (0..world.routes.len()).collect();
    by_age.sort_by_cached_key(|&r| {
        world
            .routes
            .get(r)
            .map(|route| Meta::creation_key(&route.meta))
    });
    let mut rank = vec![0usize; world.routes.len()];
    for (position, &route) in by_age.iter().enumerate() {
        if let Some(slot) = rank.get_mut(route) {
            *slot = position;
        }
    }
    rank
}

/// Gateway `gi` with its own listeners, then those of its ListenerSets (oldest first) but
/// the `unhandled` ones, which no listener is programmed for; its tables are still empty.
fn gateway_index(
    links: &Links,
    gi: usize,
    g: &Gateway,
    usable: &Usability,
    unhandled: &[(usize, String)],
) -> GatewayIndex {
    let world = links.world;
    let name = NamespacedName {
        namespace: g.meta.namespace.clone(),
        name: g.meta.name.clone(),
    };
    let own = g
        .listeners
        .iter()
        .map(|l| (ListenerOwner::Gateway(gi), "Gateway", name.clone(), l));
    let mut sets: Vec<usize> = (0..world.listener_sets.len())
        .filter(|&s| links.set_gateway(s) == Some(gi))
        .collect();
    sets.sort_by_cached_key(|&s| {
        world
            .listener_sets
            .get(s)
            .map(|set| Meta::creation_key(&set.meta))
    });
    let why_unhandled = |s: usize| {
        (unhandled.binary_search_by_key(&s, |(set, _)| *set).ok())
            .and_then(|i| unhandled.get(i))
            .map(|(_, why)| why.as_str())
    };
    let mut unhandled_ports = Vec::new();
    for (set, why) in (sets.iter().copied())
        .filter_map(|s| Some((world.listener_sets.get(s)?, why_unhandled(s)?)))
    {
        for l in &set.listeners {
            if let Some(port) = l.port {
                unhandled_ports.push((port, format!(
                    "listener {} of ListenerSet {}/{} is on port {port}, but no listener is programmed for it: {why}",
                    l.name, set.meta.namespace, set.meta.name
                )));
            }
        }
    }
    let from_sets = (sets.into_iter())
        .filter(|&s| why_unhandled(s).is_none())
        .filter_map(|s| world.listener_sets.get(s).map(|set| (s, set)));
    let from_sets = from_sets.flat_map(|(s, set)| {
        let owner = NamespacedName {
            namespace: set.meta.namespace.clone(),
            name: set.meta.name.clone(),
        };
        set.listeners.iter().map(move |l| {
            (
                ListenerOwner::ListenerSet(s),
                "ListenerSet",
                owner.clone(),
                l,
            )
        })
    });
    let listeners = own
        .chain(from_sets)
        .map(|(owner, owner_kind, owner_name, l)| {
            listener_index(owner, owner_kind, owner_name, l, usable)
        })
        .collect();
    GatewayIndex {
        name,
        listeners,
        refused: HostTable::default(),
        address: g
            .addresses
            .iter()
            .find_map(|a| a.value.clone())
            .unwrap_or_else(|| "gateway-address".to_string()),
        unhandled: unhandled_ports,
    }
}

fn listener_index(
    owner: ListenerOwner,
    owner_kind: &'static str,
    owner_name: NamespacedName,
    l: &Listener,
    usable: &Usability,
) -> ListenerIndex {
    let id = ListenerId {
        owner,
        index: l.index,
    };
    ListenerIndex {
        reference: ListenerRef {
            id,
            owner_kind,
            owner: owner_name,
            name: l.name.clone(),
            hostname: l.hostname.clone(),
        },
        port: l.port,
        protocol: match l.protocol {
            Known::Known(p) => Some(p),
            Known::Unknown(_) => None,
        },
        hostname: l.hostname.as_deref().map(str::to_ascii_lowercase),
        usable: usable.usable.contains(&id),
        unknowns: usable
            .undecided
            .get(&id)
            .map(|u| u.to_vec())
            .unwrap_or_default(),
        http: HostTable::default(),
        grpc: HostTable::default(),
        l4: HostTable::default(),
    }
}

/// Whether the controller writes `Accepted=False` for parentRef `parent_ref` of route
/// `route`, although the route attaches to a listener (`route_values::rejected`).
fn refused_by_controller(analysis: &Analysis, route: usize, parent_ref: usize) -> bool {
    (analysis.routes.get(route))
        .and_then(|r| r.parents.get(parent_ref))
        .and_then(|p| p.conditions.iter().find(|c| c.type_ == "Accepted"))
        .is_some_and(|c| c.status == ConditionStatus::False)
}

/// Every rule match of route `route`, in rule and match order, in dialect `dialect`
/// (`shapes`: the routes compiled in any dialect, for their rules' and matches' counts).
pub(super) fn candidates(
    shapes: &[CompiledRoute],
    route: usize,
    dialect: u32,
) -> impl Iterator<Item = Candidate> + '_ {
    let rules = shapes.get(route).map_or(&[][..], |c| &c.rules);
    rules.iter().enumerate().flat_map(move |(rule, matchers)| {
        (0..matchers.len()).map(move |matcher| Candidate {
            route: route as u32,
            rule: rule as u32,
            matcher: matcher as u32,
            dialect,
            pending: None,
        })
    })
}

/// The attached routes of each listener of each Gateway, unsorted.
fn attached_tables(
    world: &World,
    analysis: &Analysis,
    shapes: &[CompiledRoute],
    gateways: &[GatewayIndex],
    dialect_of: &[u32],
) -> Vec<Vec<ListenerTables>> {
    let mut position: HashMap<ListenerId, (usize, usize)> = HashMap::new();
    for (gi, g) in gateways.iter().enumerate() {
        for (li, l) in g.listeners.iter().enumerate() {
            position.insert(l.reference.id, (gi, li));
        }
    }
    let mut tables: Vec<Vec<ListenerTables>> = gateways
        .iter()
        .map(|g| {
            g.listeners
                .iter()
                .map(|_| ListenerTables::default())
                .collect()
        })
        .collect();
    let pending =
        (analysis.pending.iter().enumerate()).map(|(pi, p)| (&p.attachment, Some(pi as u32)));
    let attached = analysis.attachments.iter().map(|a| (a, None));
    for (attachment, pending) in attached.chain(pending) {
        let Some(&(gi, li)) = position.get(&attachment.listener) else {
            continue;
        };
        // A route its controller refuses for this parent (a value it rejects) attaches to
        // the listener but is not programmed: it takes no traffic.
        if refused_by_controller(analysis, attachment.route, attachment.parent_ref) {
            continue;
        }
        let (Some(route), Some(listener)) = (
            world.routes.get(attachment.route),
            tables.get_mut(gi).and_then(|g| g.get_mut(li)),
        ) else {
            continue;
        };
        let dialect = dialect_of.get(gi).copied().unwrap_or_default();
        let table = match route.kind.spec().matches {
            MatchFamily::Http => &mut listener.http,
            MatchFamily::Grpc => &mut listener.grpc,
            MatchFamily::Connection => {
                listener.l4.insert(
                    &attachment.hostnames,
                    Candidate {
                        route: attachment.route as u32,
                        rule: 0,
                        matcher: 0,
                        dialect,
                        pending,
                    },
                );
                continue;
            }
        };
        for candidate in candidates(shapes, attachment.route, dialect) {
            table.insert(
                &attachment.hostnames,
                Candidate {
                    pending,
                    ..candidate
                },
            );
        }
    }
    tables
}

/// The matches of HTTP and gRPC routes refused by each Gateway (or one of its listeners),
/// by the routes' own hostnames, unsorted.
fn refused_tables(
    world: &World,
    analysis: &Analysis,
    shapes: &[CompiledRoute],
    links: &Links,
    dialect_of: &[u32],
) -> Vec<HostTableBuilder<Refused>> {
    let mut refused: Vec<HostTableBuilder<Refused>> = (0..dialect_of.len())
        .map(|_| HostTableBuilder::default())
        .collect();
    for (ri, refusal) in analysis.refusals.iter().enumerate() {
        let Some(route) = world.routes.get(refusal.route) else {
            continue;
        };
        if route.kind.spec().matches == MatchFamily::Connection {
            continue;
        }
        let gateway = match refusal.listener {
            Some(id) => links.owner_gateway(id.owner),
            None => route.parent_refs.get(refusal.parent_ref).and_then(|p| {
                let name = (p.namespace.as_str(), p.name.as_str());
                match p.kind.as_str() {
                    "Gateway" => links.gateway_by_name.get(&name).copied(),
                    _ => links
                        .listener_set_by_name
                        .get(&name)
                        .copied()
                        .and_then(|s| links.set_gateway(s)),
                }
            }),
        };
        if let Some(g) = gateway
            && let Some(table) = refused.get_mut(g)
        {
            let dialect = dialect_of.get(g).copied().unwrap_or_default();
            for candidate in candidates(shapes, refusal.route, dialect) {
                table.insert(
                    &route.hostnames,
                    Refused {
                        refusal: ri as u32,
                        candidate,
                    },
                );
            }
        }
    }
    refused
}
