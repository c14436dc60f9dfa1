import Foundation
import Hummingbird
import LienThongAPI
import Prometheus

/// The daemon's Prometheus metrics, in a collector registry it owns and passes to whoever records:
/// no process-wide metrics system, so two daemons in one process (as in tests) keep theirs apart.
final class ServerMetrics: Sendable {
    let collectors = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let timeStampsPending: Gauge
    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    init() {
        inFlight = collectors.makeGauge(
            descriptor: .init(
                namespace: "lienthong", metricName: "requests_in_flight", unitName: "",
                helpText: "HTTP requests being handled"))
        timeStampsPending = collectors.makeGauge(
            descriptor: .init(
                namespace: "lienthong", metricName: "time_stamps_pending", unitName: "",
                helpText: "Signatures sent without a time stamp, waiting for the TSA"))
    }

    func started() { inFlight.increment() }

    func finished(method: String, route: String, status: Int, after duration: Duration) {
        inFlight.decrement()
        let labels = [("method", method), ("route", route), ("status", String(status))]
        collectors.makeCounter(
            descriptor: .init(
                namespace: "lienthong", metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests by route and status"), labels: labels
        ).increment()
        collectors.makeDurationHistogram(
            descriptor: .init(
                namespace: "lienthong", metricName: "http_request_duration", unitName: "seconds",
                helpText: "HTTP request latency"),
            labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    func documentSent() {
        collectors.makeCounter(
            descriptor: .init(
                namespace: "lienthong", metricName: "documents_sent", unitName: "total",
                helpText: "Documents numbered, signed and filed")
        ).increment()
    }

    /// A verification by its ETSI indication (TOTAL_PASSED, TOTAL_FAILED, INDETERMINATE).
    func verified(_ indication: String) {
        collectors.makeCounter(
            descriptor: .init(
                namespace: "lienthong", metricName: "verifications", unitName: "total",
                helpText: "Signature verifications by result"), labels: [("indication", indication)]
        ).increment()
    }

    /// The Prometheus text, with the queue depths read at scrape time.
    func exposition(timeStampsPending pending: Int) -> String {
        timeStampsPending.set(Double(pending))
        return collectors.emitToString()
    }
}

/// Counts and times every request by its route pattern (`/v1/documents/{id}`), never by its path,
/// so that document ids do not end up in the metrics.
struct MetricsMiddleware: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        metrics.started()
        var status = 500
        defer {
            metrics.finished(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                after: ContinuousClock.now - start)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
