defmodule Dispatcher do
  use Matcher

  define_accept_types []

  # Routes a remote delta-consumer uses to follow the "organizations" stream
  # (docs/deployment.md, "Consumers"). One files + login pair per stream, forwarded to the
  # maintainer's filesPath and loginPath (config/delta-producer/publication-graph-maintainer/services.json).
  # The forwarded path ends with "/"; the maintainer answers <filesPath>/ and <loginPath>/ too.

  get "/sync/organizations/files/*path" do
    forward conn, path, "http://delta-producer-publication-graph-maintainer/organizations/files/"
  end

  post "/sync/organizations/login/*path" do
    forward conn, path, "http://delta-producer-publication-graph-maintainer/organizations/login/"
  end

  # Downloads of delta files and dumps. The maintainer serves every file of its files graph, which is
  # also the dump publisher's targetFilesGraph, and asks for the consumer's session on delta files of
  # a stream with a login key. An app that runs mu-file-service may route this to "http://file/" instead.
  get "/files/:id/download" do
    forward conn, [], "http://delta-producer-publication-graph-maintainer/files/" <> id <> "/download"
  end

  # Dump metadata, as delta-consumer reads it from mu-cl-resources: served by the dump publisher.
  get "/datasets/*path" do
    forward conn, path, "http://delta-producer-dump-file-publisher/datasets/"
  end

  match "/*_", %{ last_call: true } do
    send_resp( conn, 404, "{ \"errors\": [ { \"status\": \"404\", \"title\": \"Route not found. See config/dispatcher.ex\" } ] }" )
  end
end
