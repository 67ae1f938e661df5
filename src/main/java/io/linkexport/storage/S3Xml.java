package io.linkexport.storage;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few S3 XML documents we read and the one we write. Parsing uses the JDK's DOM parser with DOCTYPEs and
 * external entities refused: S3 never sends them, and a reply that does is hostile (XXE). Element lookups ignore
 * the S3 namespace so that S3-compatible stores that omit it work too.
 */
final class S3Xml {

  /** An S3 {@code <Error>} document. */
  record S3Error(String code, String message) {
  }

  /** One reply of ListObjectsV2: its keys in order, whether more follow, and the token that continues after them. */
  record ObjectsReply(List<String> keys, boolean truncated, String nextContinuationToken) {
  }

  private S3Xml() {
  }

  static String uploadId(byte[] body) {
    String id = text(parse(body).getDocumentElement(), "UploadId");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("InitiateMultipartUploadResult without UploadId");
    }
    return id;
  }

  /** The error a body carries, if it is an {@code <Error>} document (S3 sends those even under 200 on Complete). */
  static Optional<S3Error> error(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    Element root;
    try {
      root = parse(body).getDocumentElement();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!"Error".equals(localName(root))) {
      return Optional.empty();
    }
    return Optional.of(new S3Error(text(root, "Code"), text(root, "Message")));
  }

  static UploadsPage uploads(byte[] body) {
    Element root = parse(body).getDocumentElement();
    List<MultipartUpload> uploads = new ArrayList<>();
    for (Element upload : children(root, "Upload")) {
      String initiated = text(upload, "Initiated");
      uploads.add(new MultipartUpload(text(upload, "Key"), text(upload, "UploadId"),
        initiated == null ? null : Instant.parse(initiated)));
    }
    return new UploadsPage(uploads, "true".equals(text(root, "IsTruncated")), text(root, "NextKeyMarker"),
      text(root, "NextUploadIdMarker"));
  }

  /** A ListObjectsV2 reply ({@code ListBucketResult}); a {@code Contents} without a {@code Key} is unreadable. */
  static ObjectsReply objects(byte[] body) {
    Element root = parse(body).getDocumentElement();
    List<String> keys = new ArrayList<>();
    for (Element object : children(root, "Contents")) {
      String key = text(object, "Key");
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("ListBucketResult entry without Key");
      }
      keys.add(key);
    }
    return new ObjectsReply(keys, "true".equals(text(root, "IsTruncated")), text(root, "NextContinuationToken"));
  }

  static String completeBody(List<PartEtag> parts) {
    StringBuilder xml = new StringBuilder(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (PartEtag part : parts) {
      xml.append("<Part><PartNumber>").append(part.partNumber()).append("</PartNumber><ETag>")
        .append(escape(part.etag())).append("</ETag></Part>");
    }
    return xml.append("</CompleteMultipartUpload>").toString();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static Document parse(byte[] body) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder builder = f.newDocumentBuilder();
      builder.setErrorHandler(new DefaultHandler()); // fatal errors throw; nothing printed to stderr
      return builder.parse(new ByteArrayInputStream(body));
    } catch (Exception e) {
      throw new IllegalArgumentException("unreadable S3 XML: " + e.getMessage(), e);
    }
  }

  private static String localName(Node n) {
    return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
  }

  /** Direct children with that local name. */
  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && name.equals(localName(e))) {
        out.add(e);
      }
    }
    return out;
  }

  /** Text of the first direct child with that local name, or null. */
  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0).getTextContent();
  }
}
