;;;;;;;;;;;;;;;;;;;
;;; delta messenger
(in-package :delta-messenger)

;; Every effective change is sent to the `deltanotifier` service (config/delta/rules.js).
(add-delta-messenger "http://deltanotifier/")

;;;;;;;;;;;;;;;;;
;;; configuration
(in-package :client)
(setf *log-sparql-query-roundtrip* nil)
;; The app's triplestore. The publication graphs live in `publication-triplestore`, which the
;; maintainer writes directly (no deltas) and nothing reads through here.
(setf *backend* "http://virtuoso:8890/sparql")

(in-package :server)
(setf *log-incoming-requests-p* nil)

;;;;;;;;;;;;;;;;
;;; prefix types
(in-package :type-cache)

(add-type-for-prefix "http://mu.semte.ch/sessions/" "http://mu.semte.ch/vocabularies/session/Session")

;;;;;;;;;;;;;;;;;
;;; access rights
(in-package :acl)

(defparameter *access-specifications* nil)
(defparameter *graphs* nil)
(defparameter *rights* nil)

(define-prefixes
  :nfo "http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#"
  :dcat "http://www.w3.org/ns/dcat#")

;; The app's public data: the example stream exports organizations, their classification concepts
;; and contact points from here (config/delta-producer/organizations/export.json, graphsFilter).
(define-graph public ("http://mu.semte.ch/graphs/public")
  (_ -> _))

;; The stream's delta files and dumps: the maintainer's filesGraph and the dump publisher's
;; targetFilesGraph and targetDcatGraph [AGREE].
(define-graph organizations-deltas ("http://redpencil.data.gift/id/deltas/producer/organizations-deltas")
  ("nfo:FileDataObject" -> _)
  ("dcat:Dataset" -> _)
  ("dcat:Distribution" -> _))

(supply-allowed-group "public")

(grant (read)
       :to-graph (public)
       :for-allowed-group "public")

;; A remote delta-consumer that logged in at /sync/organizations/login: the maintainer linked its
;; session to the stream's `account` in `account_graph` (services.json defaults). Only such sessions
;; see the delta files; the maintainer's listing asks this store, as the caller, before answering.
(supply-allowed-group "delta-consumer"
  :query "PREFIX muAccount: <http://mu.semte.ch/vocabularies/account/>
          SELECT ?thing WHERE {
            <SESSION_ID> muAccount:account <http://services.lblod.info/diff-consumer/account> .
            VALUES ?thing { \"consumer\" }
          }")

(grant (read)
       :to-graph (organizations-deltas)
       :for-allowed-group "delta-consumer")
