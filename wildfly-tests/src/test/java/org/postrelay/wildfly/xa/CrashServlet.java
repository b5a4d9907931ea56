package org.postrelay.wildfly.xa;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postrelay.api.RelayConnection;
import org.postrelay.api.RelayConnectionFactory;

/**
 * {@code GET /crash?at=commit|prepare&subject=S}: sends one message through Postrelay inside a JTA
 * transaction together with a {@link CrashingResource}, and commits; the server dies at the chosen
 * moment of two-phase commit, so the request never answers. For {@code commit} the crashing
 * resource is enlisted first (it is committed first, Postrelay's branch stays prepared); for
 * {@code prepare} last (Postrelay's branch is prepared, then the server dies before any decision).
 */
@WebServlet("/crash")
public class CrashServlet extends HttpServlet {

    @Resource(lookup = "java:/TransactionManager")
    private TransactionManager transactionManager;

    @Resource(lookup = "java:/eis/postrelay/RelayConnectionFactory")
    private RelayConnectionFactory relay;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        CrashingResource.Moment at = CrashingResource.Moment.valueOf(request.getParameter("at").toUpperCase());
        String subject = request.getParameter("subject");
        try {
            transactionManager.begin();
            Transaction transaction = transactionManager.getTransaction();
            if (at == CrashingResource.Moment.COMMIT) {
                transaction.enlistResource(new CrashingResource(at));
            }
            try (RelayConnection connection = relay.getConnection()) {
                connection.send("app@example.com", List.of("xa@example.org"), new ByteArrayInputStream(
                        ("Subject: " + subject + "\r\n\r\nsent in a transaction\r\n").getBytes(StandardCharsets.US_ASCII)));
            }
            if (at == CrashingResource.Moment.PREPARE) {
                transaction.enlistResource(new CrashingResource(at));
            }
            transactionManager.commit();
        } catch (Exception e) {
            throw new IOException("the transaction failed instead of crashing the server: " + e, e);
        }
        response.getWriter().println("the server should have died");
    }
}
