//! The six dashboard calls and the per-user report (client-contract.md §14, behaviour.md §3.16
//! rows 94–100). All take `startDate`, `endDate`, `queuesIds[]` and `isGroup`.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpResponse, get, web};
use tiktickets_domain::ids::ContactId;
use tiktickets_domain::statistics::{self, DateRange};
use tiktickets_domain::store::tickets::Ticket;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{range_of, report_users, ticket_filter, tickets_in};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::query::QueryParams;
use crate::state::ApiState;

/// The query every dashboard call sends (client-contract.md §14).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, reason = "documents the query; QueryParams reads it")]
struct DashboardParams {
    /// First day, yyyy-MM-dd (default: 6 days before endDate).
    #[param(rename = "startDate")]
    start_date: Option<String>,
    /// Last day, yyyy-MM-dd, inclusive (default: today, UTC).
    #[param(rename = "endDate")]
    end_date: Option<String>,
    /// Only tickets of these queues.
    #[param(rename = "queuesIds[]")]
    queues_ids: Option<Vec<i32>>,
    /// Only group (true) or individual (false) tickets.
    #[param(rename = "isGroup")]
    is_group: Option<bool>,
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(statistics_times)
        .service(statistics_by_queue)
        .service(statistics_by_channel)
        .service(statistics_evolution_channels)
        .service(statistics_evolution_period)
        .service(statistics_per_users_detail)
        .service(statistics_per_users);
}

/// The range and the filtered tickets of a dashboard call.
async fn load(
    state: &ApiState,
    auth: &Auth,
    q: &QueryParams,
) -> ApiResult<(DateRange, Vec<Ticket>)> {
    let range = range_of(state, q, "startDate", "endDate")?;
    let filter = ticket_filter(q, auth)?;
    let tickets = tickets_in(state, &auth.cx, range, &filter).await?;
    Ok((range, tickets))
}

/// Contacts created in the range: the tenant's count for admins; for agents, the contacts of
/// their own tickets that were created in the range.
async fn new_contacts(
    state: &ApiState,
    auth: &Auth,
    range: DateRange,
    tickets: &[Ticket],
) -> ApiResult<u64> {
    if auth.cx.is_admin() {
        return Ok(state
            .stores
            .contacts
            .count_created_between(&auth.cx, range.from, range.to)
            .await?);
    }
    let ids: Vec<ContactId> = tickets
        .iter()
        .filter_map(|t| t.contact_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let contacts = state.stores.contacts.get_many(&auth.cx, &ids).await?;
    Ok(contacts
        .iter()
        .filter(|c| c.created_at >= range.from && c.created_at < range.to)
        .count() as u64)
}

/// Totals and average times of the period.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{qtd_total_atendimentos, qtd_demanda_ativa, qtd_demanda_receptiva, new_contacts, tma: {hours, minutes, seconds}, tme: {...}}]`"),
        (status = 400, description = "Bad date, end before start, range over 366 days, bad filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-times")]
async fn statistics_times(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (range, tickets) = load(&state, &auth, &q).await?;
    let created = new_contacts(&state, &auth, range, &tickets).await?;
    Ok(HttpResponse::Ok().json([statistics::times_summary(&tickets, created)]))
}

/// Tickets per queue.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{label (queue name or \"Não informado\"), qtd, pertentual}]`, largest first"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-queue")]
async fn statistics_by_queue(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    let names: HashMap<_, _> = state
        .stores
        .queues
        .list(&auth.cx)
        .await?
        .into_iter()
        .map(|queue| (queue.id, queue.queue))
        .collect();
    Ok(HttpResponse::Ok().json(statistics::by_queue(&tickets, &names)))
}

/// Tickets per channel kind.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{label (whatsapp, telegram, ...), qtd, pertentual}]`, largest first"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-channels")]
async fn statistics_by_channel(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    Ok(HttpResponse::Ok().json(statistics::by_channel(&tickets)))
}

/// Tickets per day and channel kind.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{dt_referencia (dd/MM/yyyy), dt_ref (yyyy-MM-dd), label, qtd, pertentual}]`, by day"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-evolution-channels")]
async fn statistics_evolution_channels(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    Ok(HttpResponse::Ok().json(statistics::evolution_by_channel(&tickets)))
}

/// Tickets per day.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{dt_ref (yyyy-MM-dd), label (dd/MM/yyyy), qtd}]`, by day"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-evolution-by-period")]
async fn statistics_evolution_period(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    Ok(HttpResponse::Ok().json(statistics::evolution_by_period(&tickets)))
}

/// Per-agent counts and average times (agents: their own row).
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{name, email, qtd_total_atendimentos, qtd_pendentes, qtd_em_atendimento, qtd_resolvidos, tma, tme}]`, by name"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-tickets-per-users-detail")]
async fn statistics_per_users_detail(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    let users = report_users(&state, &auth).await?;
    Ok(HttpResponse::Ok().json(statistics::per_user_detail(&tickets, &users)))
}

/// Per-agent counts and attendance times in minutes (agents: their own row).
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "`[{name, email, qtd_pendentes, qtd_em_atendimento, qtd_resolvidos, qtd_por_usuario, menor_tempo_por_usuario, maior_tempo_por_usuario, tempo_medio_por_usuario}]`"),
        (status = 400, description = "Bad date or filter", body = ErrorBody),
    )
)]
#[get("/statistics-per-users")]
async fn statistics_per_users(
    state: web::Data<ApiState>,
    auth: Auth,
    q: QueryParams,
) -> ApiResult<HttpResponse> {
    let (_, tickets) = load(&state, &auth, &q).await?;
    let users = report_users(&state, &auth).await?;
    Ok(HttpResponse::Ok().json(statistics::per_user_times(&tickets, &users)))
}
